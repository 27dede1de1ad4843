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

/* Why a string is not a CIDR block. */
typedef enum cidr_error {
    CIDR_OK = 0,
    CIDR_BAD_ADDRESS,  /* neither IPv4 dotted decimal nor an IPv6 text form */
    CIDR_LEADING_ZERO, /* an IPv4 octet written with a leading zero ("010") */
    CIDR_NO_PREFIX,    /* an address without "/" and a prefix length */
    CIDR_BAD_PREFIX    /* a prefix length that is not 0 to 32 (IPv4) or 0 to
                          128 (IPv6) in decimal without leading zeros */
} cidr_error;

/* Parses text[0, length) as an IPv4 or IPv6 network in CIDR notation:
 * "a.b.c.d/n" with four decimal octets from 0 to 255, or an IPv6 address
 * in an RFC 4291 text form ("2001:db8::/32", "::ffff:10.0.0.0/104") with
 * "/n". Nothing else is accepted: no white space, no bare address, and no
 * leading zero in an IPv4 octet or in the prefix length, because parsers
 * disagree on whether "010" is octal. The address may have host bits set
 * ("10.0.0.5/8" is 10.0.0.0/8), as the EC2 API accepts it. Returns
 * CIDR_OK and fills `out`, or the first problem found. */
cidr_error cidr_parse(const char *text, size_t length, cidr_block *out);

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
