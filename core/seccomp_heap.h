/* SPDX-License-Identifier: MIT */
/* seccomp_heap: a size-class heap for libseccomp while it compiles a filter
 * (libseccomp.a's malloc, calloc, realloc, free and strdup are renamed to
 * these), released whole afterwards. */
#ifndef OCIBOX_SECCOMP_HEAP_H
#define OCIBOX_SECCOMP_HEAP_H

#include <stddef.h>

/* Serve libseccomp from chunks from now on. */
void sc_heap_begin(void);
/* Stop, and unmap every chunk (leaked instead if a block is still live). */
void sc_heap_end(void);

void *sc_heap_malloc(size_t n);
void *sc_heap_calloc(size_t n, size_t size);
void *sc_heap_realloc(void *p, size_t n);
void sc_heap_free(void *p);
char *sc_heap_strdup(const char *s);

#endif
