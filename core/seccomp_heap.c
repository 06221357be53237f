/* SPDX-License-Identifier: MIT */
/* seccomp_heap: the allocator libseccomp uses inside ocibox (its malloc
 * family is renamed to sc_heap_* when libseccomp.a is built; see
 * third_party/libseccomp.mk). Only with ENABLE_SECCOMP. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/err.h"
#include "core/seccomp_heap.h"

#if ENABLE_SECCOMP
/* libseccomp's heap. Its malloc, calloc, realloc, free and strdup are renamed to
 * the sc_heap_* below when libseccomp.a is built (third_party/libseccomp.mk).
 * Each rule it adds snapshots and frees its whole rule tree; musl's mallocng
 * hands that memory back to the kernel and faults it in again, so the TLB
 * flushes and page faults made compiling podman's profile cost ~2.5x the
 * rest of `run`. During sc_compile small blocks come from free lists by size
 * class in 256 KiB chunks, released together at the end. */
enum { SC_HEAP_CLASS = 16, SC_HEAP_CLASSES = 64, SC_HEAP_CHUNK = 262144 };

struct sc_heap_hdr {
	size_t size;   /* usable bytes */
	size_t small;  /* 1: from a chunk; 0: from libc */
};

static struct {
	bool on;
	void *free[SC_HEAP_CLASSES + 1];
	char *cur, *end;
	void *chunks;  /* list linked through each chunk's first word */
	size_t live;   /* small blocks not freed yet */
} sc_heap;

void *sc_heap_malloc(size_t n)
{
	size_t cls = (n + SC_HEAP_CLASS - 1) / SC_HEAP_CLASS, size;
	struct sc_heap_hdr *h;
	void **chunk;

	if (!sc_heap.on || cls > SC_HEAP_CLASSES) {
		if (!(h = malloc(sizeof(*h) + n)))
			return NULL;
		*h = (struct sc_heap_hdr){ n, 0 };
		return h + 1;
	}
	cls += !cls;
	sc_heap.live++;
	if ((h = sc_heap.free[cls])) {
		sc_heap.free[cls] = *(void **)(h + 1);
		return h + 1;
	}
	size = sizeof(*h) + cls * SC_HEAP_CLASS;
	if (sc_heap.end - sc_heap.cur < (ptrdiff_t)size) {
		chunk = mmap(NULL, SC_HEAP_CHUNK, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (chunk == MAP_FAILED)
			return NULL;
		*chunk = sc_heap.chunks;
		sc_heap.chunks = chunk;
		sc_heap.cur = (char *)chunk + 16;
		sc_heap.end = (char *)chunk + SC_HEAP_CHUNK;
	}
	h = (struct sc_heap_hdr *)sc_heap.cur;
	sc_heap.cur += size;
	*h = (struct sc_heap_hdr){ cls * SC_HEAP_CLASS, 1 };
	return h + 1;
}

void sc_heap_free(void *p)
{
	struct sc_heap_hdr *h = (struct sc_heap_hdr *)p - 1;

	if (!p)
		return;
	if (!h->small) {
		free(h);
		return;
	}
	sc_heap.live--;
	*(void **)p = sc_heap.free[h->size / SC_HEAP_CLASS];
	sc_heap.free[h->size / SC_HEAP_CLASS] = h;
}

void *sc_heap_realloc(void *p, size_t n)
{
	struct sc_heap_hdr *h = (struct sc_heap_hdr *)p - 1;
	void *q;

	if (!p)
		return sc_heap_malloc(n);
	if (n <= h->size)
		return p;
	/* grow by half at least: gen_bpf grows its program a block at a time */
	if (!(q = sc_heap_malloc(n > h->size + h->size / 2 ? n : h->size + h->size / 2)))
		return NULL;
	memcpy(q, p, h->size);
	sc_heap_free(p);
	return q;
}

/* The compiler makes calloc of zmalloc's malloc + memset. */
void *sc_heap_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	if ((p = sc_heap_malloc(n * size)))
		memset(p, 0, n * size);
	return p;
}

char *sc_heap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = sc_heap_malloc(n);

	return p ? memcpy(p, s, n) : NULL;
}

void sc_heap_begin(void)
{
	sc_heap.on = true;
}

/* The context is released, so libseccomp has freed all it allocated: drop
 * the chunks. Should a block still be live, leak them instead. */
void sc_heap_end(void)
{
	void *c;

	if (sc_heap.live)
		log_debug("seccomp: %zu blocks of libseccomp still live", sc_heap.live);
	while (!sc_heap.live && (c = sc_heap.chunks)) {
		sc_heap.chunks = *(void **)c;
		munmap(c, SC_HEAP_CHUNK);
	}
	memset(&sc_heap, 0, sizeof(sc_heap));
}
#endif
