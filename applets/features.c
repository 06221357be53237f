#include "core/main.h"
int cmd_features(int argc, char **argv) { (void)argc; (void)argv; return 1; }
