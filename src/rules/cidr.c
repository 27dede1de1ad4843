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

/* Parses a decimal number of 1 to 3 digits, without a leading zero unless
 * it is "0", from text[0, length). Returns the number, or -1 when the text
 * is not digits or too long, or -2 when it has a leading zero. */
static int parse_small_decimal(const char *text, size_t length)
{
    if (length == 0 || length > 3)
        return -1;
    int value = 0;
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return length > 1 && text[0] == '0' ? -2 : value;
}

/* Parses dotted decimal "a.b.c.d" into four bytes. */
static cidr_error parse_ipv4(const char *text, size_t length, unsigned char bytes[4])
{
    size_t start = 0;
    for (int i = 0; i < 4; i++) {
        size_t end = start;
        while (end < length && text[end] != '.')
            end++;
        if ((i < 3) != (end < length))
            return CIDR_BAD_ADDRESS; /* too few or too many octets */
        int value = parse_small_decimal(text + start, end - start);
        if (value == -2)
            return CIDR_LEADING_ZERO;
        if (value < 0 || value > 255)
            return CIDR_BAD_ADDRESS;
        bytes[i] = (unsigned char)value;
        start = end + 1;
    }
    return CIDR_OK;
}

/* Parses an IPv6 address in one of the text forms of RFC 4291 section 2.2
 * into sixteen bytes. inet_pton(3) documents those forms for AF_INET6: up
 * to four hexadecimal digits a group, one "::", and an optional
 * dotted-decimal IPv4 address in the last 32 bits. */
static cidr_error parse_ipv6(const char *text, size_t length, unsigned char bytes[16])
{
    char address[INET6_ADDRSTRLEN + 1];
    if (length >= sizeof(address))
        return CIDR_BAD_ADDRESS;
    memcpy(address, text, length);
    address[length] = '\0';
    return inet_pton(AF_INET6, address, bytes) == 1 ? CIDR_OK : CIDR_BAD_ADDRESS;
}

cidr_error cidr_parse(const char *text, size_t length, cidr_block *out)
{
    if (memchr(text, '\0', length))
        return CIDR_BAD_ADDRESS;

    const char *slash = memchr(text, '/', length);
    size_t address_length = slash ? (size_t)(slash - text) : length;
    int ipv6 = memchr(text, ':', address_length) != NULL;
    unsigned char bytes[16];
    cidr_error error = ipv6 ? parse_ipv6(text, address_length, bytes)
                            : parse_ipv4(text, address_length, bytes);
    if (error != CIDR_OK)
        return error;

    /* The EC2 API rejects a security group CIDR without a prefix length
     * ("CIDR block 1.2.3.4 is malformed"), so a bare address is no block. */
    if (!slash)
        return CIDR_NO_PREFIX;
    unsigned width = ipv6 ? 128 : 32;
    int prefix = parse_small_decimal(slash + 1, length - address_length - 1);
    if (prefix < 0 || (unsigned)prefix > width)
        return CIDR_BAD_PREFIX;

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

    cidr_address mask = host_mask((unsigned)prefix, width);
    out->family = ipv6 ? CIDR_IPV6 : CIDR_IPV4;
    out->prefix = (unsigned)prefix;
    out->first.high = value.high & ~mask.high;
    out->first.low = value.low & ~mask.low;
    out->last.high = value.high | mask.high;
    out->last.low = value.low | mask.low;
    return CIDR_OK;
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
