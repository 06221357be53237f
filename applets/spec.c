#include "core/main.h"
int cmd_spec(int argc, char **argv) { (void)argc; (void)argv; return 1; }
