#include "core/main.h"
int cmd_state(int argc, char **argv) { (void)argc; (void)argv; return 1; }
