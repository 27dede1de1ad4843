/* CIDR blocks as address ranges, and whether a set of blocks covers every
 * IPv4 or every IPv6 address. The network operators (op_net.c) use them for
 * cidr_anywhere and open_to_anywhere. */
#ifndef SOC2_RULES_CIDR_H
#define SOC2_RULES_CIDR_H

#include <stddef.h>
#include <stdint.h>

typedef enum cidr_family { CIDR_IPV4, CIDR_IPV6 } cidr_family;

/* A 128-bit address; an IPv4 address is held in the low 32 bits. */
typedef struct cidr_address {
    uint64_t high, low;
} cidr_address;

typedef struct cidr_block {
    cidr_family family;
    unsigned prefix;    /* the prefix length: 0 to 32, or 0 to 128 */
    cidr_address first; /* the lowest address of the block */
    cidr_address last;  /* the highest */
} cidr_block;

/* Parses text[0, length) as an IPv4 or IPv6 network in CIDR notation, or a
 * bare address (a network of one, /32 or /128). The address may have host
 * bits set ("10.0.0.5/8" is 10.0.0.0/8). Returns 1 and fills `out`, or 0
 * when the text is not such a network, as when it contains a NUL. */
int cidr_parse(const char *text, size_t length, cidr_block *out);

/* A growing list of blocks of both families. */
typedef struct cidr_set {
    cidr_block *blocks;
    size_t count, capacity;
} cidr_set;

#define CIDR_SET_INIT {NULL, 0, 0}

/* Adds a block. Returns 0, or -1 when memory runs out. */
int cidr_set_add(cidr_set *set, const cidr_block *block);

/* Returns whether the union of the set's blocks of `family` is every
 * address of that family. Sorts the blocks. */
int cidr_set_covers(cidr_set *set, cidr_family family);

void cidr_set_free(cidr_set *set);

#endif
