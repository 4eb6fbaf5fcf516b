/* An ordinary dynamically linked host program: bare mode must reject it. */
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
