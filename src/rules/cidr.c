/* CIDR blocks as address ranges (cidr.h). */
#include "cidr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* 128-bit arithmetic on cidr_address. */

static int address_compare(const cidr_address *a, const cidr_address *b)
{
    if (a->high != b->high)
        return a->high < b->high ? -1 : 1;
    if (a->low != b->low)
        return a->low < b->low ? -1 : 1;
    return 0;
}

/* Sets `out` to the address after `a`; returns 0 when `a` is the highest
 * 128-bit address and there is none. */
static int address_next(const cidr_address *a, cidr_address *out)
{
    if (a->high == UINT64_MAX && a->low == UINT64_MAX)
        return 0;
    out->low = a->low + 1;
    out->high = a->high + (out->low == 0);
    return 1;
}

/* The host bits of a prefix of `prefix` bits out of `width` (32 or 128):
 * the mask the block's first address lacks and its last address has. */
static cidr_address host_mask(unsigned prefix, unsigned width)
{
    unsigned host = width - prefix; /* 0 to 128 */
    cidr_address mask = {0, 0};
    if (host >= 128) {
        mask.high = mask.low = UINT64_MAX;
    } else if (host >= 64) {
        mask.low = UINT64_MAX;
        mask.high = host == 64 ? 0 : UINT64_MAX >> (128 - host);
    } else {
        mask.low = host == 0 ? 0 : UINT64_MAX >> (64 - host);
    }
    return mask;
}

int cidr_parse(const char *text, size_t length, cidr_block *out)
{
    if (memchr(text, '\0', length))
        return 0;

    char address[INET6_ADDRSTRLEN + 1];
    const char *slash = memchr(text, '/', length);
    size_t address_length = slash ? (size_t)(slash - text) : length;
    if (address_length == 0 || address_length >= sizeof(address))
        return 0;
    memcpy(address, text, address_length);
    address[address_length] = '\0';

    unsigned char bytes[16];
    int ipv6 = strchr(address, ':') != NULL;
    if (inet_pton(ipv6 ? AF_INET6 : AF_INET, address, bytes) != 1)
        return 0;

    unsigned width = ipv6 ? 128 : 32;
    unsigned prefix = width;
    if (slash) {
        const char *digits = slash + 1;
        size_t count = length - address_length - 1;
        if (count == 0 || count > 3)
            return 0;
        prefix = 0;
        for (size_t i = 0; i < count; i++) {
            if (digits[i] < '0' || digits[i] > '9')
                return 0;
            prefix = prefix * 10 + (unsigned)(digits[i] - '0');
        }
        if (prefix > width)
            return 0;
    }

    cidr_address value = {0, 0};
    if (ipv6) {
        for (int i = 0; i < 8; i++) {
            value.high = value.high << 8 | bytes[i];
            value.low = value.low << 8 | bytes[8 + i];
        }
    } else {
        value.low = (uint64_t)bytes[0] << 24 | (uint64_t)bytes[1] << 16 |
                    (uint64_t)bytes[2] << 8 | bytes[3];
    }

    cidr_address mask = host_mask(prefix, width);
    out->family = ipv6 ? CIDR_IPV6 : CIDR_IPV4;
    out->prefix = prefix;
    out->first.high = value.high & ~mask.high;
    out->first.low = value.low & ~mask.low;
    out->last.high = value.high | mask.high;
    out->last.low = value.low | mask.low;
    return 1;
}

int cidr_set_add(cidr_set *set, const cidr_block *block)
{
    if (set->count == set->capacity) {
        size_t capacity = set->capacity ? 2 * set->capacity : 8;
        cidr_block *blocks = realloc(set->blocks, capacity * sizeof(*blocks));
        if (!blocks)
            return -1;
        set->blocks = blocks;
        set->capacity = capacity;
    }
    set->blocks[set->count++] = *block;
    return 0;
}

/* Orders blocks by family, then by first address. */
static int block_order(const void *a, const void *b)
{
    const cidr_block *x = a, *y = b;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return address_compare(&x->first, &y->first);
}

int cidr_set_covers(cidr_set *set, cidr_family family)
{
    if (set->count == 0)
        return 0;
    qsort(set->blocks, set->count, sizeof(*set->blocks), block_order);

    /* Sweep the blocks in order: `next` is the lowest address not yet
     * covered, and a block that starts above it leaves a gap. */
    cidr_address next = {0, 0};
    cidr_address highest = family == CIDR_IPV6 ? (cidr_address){UINT64_MAX, UINT64_MAX}
                                               : (cidr_address){0, UINT32_MAX};
    for (size_t i = 0; i < set->count; i++) {
        const cidr_block *block = &set->blocks[i];
        if (block->family != family)
            continue;
        if (address_compare(&block->first, &next) > 0)
            return 0;
        if (address_compare(&block->last, &next) < 0)
            continue;
        if (address_compare(&block->last, &highest) == 0)
            return 1;
        if (!address_next(&block->last, &next))
            return 1;
    }
    return 0;
}

void cidr_set_free(cidr_set *set)
{
    free(set->blocks);
    set->blocks = NULL;
    set->count = set->capacity = 0;
}
