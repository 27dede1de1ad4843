/* The network operators: cidr_anywhere, on a CIDR block or a list of them,
 * and port_open, on one security group rule in the inline shape
 * {protocol, from_port, to_port, ...}. */
#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "ops.h"

/* cidr_anywhere */

/* Parses an IPv4 or IPv6 network in CIDR notation, or a bare address (a
 * network of one: /32 or /128). Returns 1 and stores the prefix length and
 * the family, or 0 when `text` is not such a network. */
static int parse_cidr(const char *text, unsigned *prefix, int *family)
{
    char address[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(text, '/');
    size_t length = slash ? (size_t)(slash - text) : strlen(text);
    if (length == 0 || length >= sizeof(address))
        return 0;
    memcpy(address, text, length);
    address[length] = '\0';

    unsigned char bytes[16];
    *family = strchr(address, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(*family, address, bytes) != 1)
        return 0;

    unsigned max = *family == AF_INET6 ? 128 : 32;
    if (!slash) {
        *prefix = max;
        return 1;
    }
    const char *digits = slash + 1;
    size_t count = strspn(digits, "0123456789");
    if (count == 0 || count > 3 || digits[count] != '\0')
        return 0;
    *prefix = (unsigned)strtoul(digits, NULL, 10);
    return *prefix <= max;
}

/* Returns whether a string is a network of prefix length 0, which covers
 * every address of its family whatever address it is written with. */
static int is_anywhere(const json_t *value)
{
    unsigned prefix;
    int family;
    return json_is_string(value) && parse_cidr(json_string_value(value), &prefix, &family) &&
           prefix == 0;
}

static tv cidr_item(const cursor *item, eval_result *out, int *unknown)
{
    switch (cursor_state(item)) {
    case VALUE_MISSING:
        return TV_FALSE;
    case VALUE_UNKNOWN:
        /* A reference names another resource's block (a VPC's, say), so
         * it is a concrete network; anything else might be 0.0.0.0/0. */
        if (cursor_is_concrete(item))
            return TV_FALSE;
        if (!*unknown) {
            *unknown = 1;
            result_set(out, TV_UNKNOWN, item);
            result_note(out, "the CIDR block is not known until apply");
        }
        return TV_UNKNOWN;
    case VALUE_PRESENT:
        break;
    }
    if (!is_anywhere(item->value))
        return TV_FALSE;

    int family;
    unsigned prefix;
    parse_cidr(json_string_value(item->value), &prefix, &family);
    result_set(out, TV_TRUE, item);
    result_note(out, "\"%s\" covers every %s address", json_string_value(item->value),
                family == AF_INET6 ? "IPv6" : "IPv4");
    return TV_TRUE;
}

static void cidr_eval(const void *state, const cursor *at, eval_result *out)
{
    (void)state;
    int unknown = 0;

    if (cursor_state(at) != VALUE_PRESENT || !json_is_array(at->value)) {
        if (cidr_item(at, out, &unknown) == TV_FALSE)
            result_set(out, TV_FALSE, at);
        return;
    }

    for (size_t i = 0; i < json_array_size(at->value); i++) {
        cursor item;
        cursor_child_index(&item, at, i);
        if (cidr_item(&item, out, &unknown) == TV_TRUE)
            return;
    }
    if (!unknown)
        result_set(out, TV_FALSE, at);
}

/* port_open */

enum {
    PROTOCOL_ICMP = 1,
    PROTOCOL_TCP = 6,
    PROTOCOL_UDP = 17,
    PROTOCOL_ICMPV6 = 58,
    PROTOCOL_ALL = -1,
};

static const struct {
    const char *name;
    int number;
} protocol_names[] = {
    {"tcp", PROTOCOL_TCP},
    {"udp", PROTOCOL_UDP},
    {"icmp", PROTOCOL_ICMP},
    {"icmpv6", PROTOCOL_ICMPV6},
};

#define PROTOCOL_NAME_COUNT (sizeof(protocol_names) / sizeof(protocol_names[0]))

typedef struct port_state {
    long port;
    unsigned protocols; /* bit i set: protocol_names[i] is listed */
} port_state;

/* Reads an integer written as a JSON number or a decimal string. */
static int read_integer(const json_t *value, long *out)
{
    double number;
    if (!json_as_number(value, &number) || number != floor(number) || fabs(number) > 1e9)
        return 0;
    *out = (long)number;
    return 1;
}

/* Reads a protocol as security group rules write it: a name ("tcp", any
 * case), a number, or a number in a string ("6"). Both "-1" and "all" mean
 * all traffic. Returns 1 and stores the protocol number, or 0 when the
 * value is neither a name nor a number. */
static int read_protocol(const json_t *value, long *number)
{
    if (json_is_string(value)) {
        const char *text = json_string_value(value);
        if (strcasecmp(text, "all") == 0) {
            *number = PROTOCOL_ALL;
            return 1;
        }
        for (size_t i = 0; i < PROTOCOL_NAME_COUNT; i++) {
            if (strcasecmp(text, protocol_names[i].name) == 0) {
                *number = protocol_names[i].number;
                return 1;
            }
        }
    }
    return read_integer(value, number);
}

static int port_compile(void **out, const json_t *spec, strbuf *error)
{
    const json_t *port = json_object_get(spec, "port");
    if (!port) {
        sb_puts(error, "\"port\" is missing; give a port number from 0 to 65535");
        return -1;
    }
    if (!json_is_integer(port) || json_integer_value(port) < 0 ||
        json_integer_value(port) > 65535) {
        sb_puts(error, "\"port\" must be an integer from 0 to 65535");
        return -1;
    }

    unsigned protocols = 1u << 0; /* tcp */
    const json_t *list = json_object_get(spec, "protocols");
    if (list) {
        if (!json_is_array(list) || json_array_size(list) == 0) {
            sb_puts(error, "\"protocols\" must be a non-empty list of \"tcp\", \"udp\", "
                           "\"icmp\" or \"icmpv6\"");
            return -1;
        }
        protocols = 0;
        for (size_t i = 0; i < json_array_size(list); i++) {
            const json_t *name = json_array_get(list, i);
            size_t p = 0;
            while (json_is_string(name) && p < PROTOCOL_NAME_COUNT &&
                   strcasecmp(json_string_value(name), protocol_names[p].name) != 0)
                p++;
            if (!json_is_string(name) || p == PROTOCOL_NAME_COUNT) {
                sb_printf(error,
                          "\"protocols\"[%zu] is not one of \"tcp\", \"udp\", \"icmp\" or "
                          "\"icmpv6\"",
                          i);
                return -1;
            }
            protocols |= 1u << p;
        }
    }

    port_state *state = malloc(sizeof(*state));
    if (!state) {
        sb_puts(error, "out of memory compiling \"port\"");
        return -1;
    }
    state->port = (long)json_integer_value(port);
    state->protocols = protocols;
    *out = state;
    return 0;
}

static void port_free(void *state)
{
    free(state);
}

/* Returns the name of a listed protocol number, or NULL when the
 * condition does not list the rule's protocol. */
static const char *listed_protocol(const port_state *state, long number)
{
    for (size_t i = 0; i < PROTOCOL_NAME_COUNT; i++)
        if (protocol_names[i].number == number && (state->protocols & (1u << i)))
            return protocol_names[i].name;
    return NULL;
}

/* Reads from_port or to_port into *port. Returns TV_TRUE when it is known
 * (and sets *present when the rule has it), TV_UNKNOWN when not known until
 * apply, and TV_ERROR, with `out` filled, when it is not an integer. */
static tv read_port(const cursor *field, long *port, int *present, eval_result *out)
{
    *present = 0;
    switch (cursor_state(field)) {
    case VALUE_MISSING:
        return TV_TRUE;
    case VALUE_UNKNOWN:
        result_set(out, TV_UNKNOWN, field);
        result_note(out, "the port is not known until apply");
        return TV_UNKNOWN;
    case VALUE_PRESENT:
        break;
    }
    if (!read_integer(field->value, port)) {
        result_set(out, TV_ERROR, field);
        result_note(out, "%s is not a port number", sb_str(&out->path));
        return TV_ERROR;
    }
    *present = 1;
    return TV_TRUE;
}

/* Decides a rule of a listed protocol from its ports. For ICMP the two
 * fields hold the ICMP type and code, so `port` is taken as the type. */
static void decide_ports(const port_state *state, const cursor *rule, const char *protocol,
                         eval_result *out)
{
    cursor from_field, to_field;
    cursor_child_key(&from_field, rule, "from_port");
    cursor_child_key(&to_field, rule, "to_port");

    long from = 0, to = 0;
    int has_from, has_to;
    tv known = read_port(&from_field, &from, &has_from, out);
    if (known != TV_TRUE)
        return;
    known = read_port(&to_field, &to, &has_to, out);
    if (known != TV_TRUE)
        return;

    if (!has_from && !has_to) {
        result_set(out, TV_TRUE, rule);
        result_note(out, "%s rule names no ports, so it allows every port", protocol);
        return;
    }
    if (!has_from)
        from = to;
    if (!has_to)
        to = from;

    int icmp = strncmp(protocol, "icmp", 4) == 0;
    if (icmp) {
        int open = from == -1 || from == state->port;
        result_set(out, open ? TV_TRUE : TV_FALSE, rule);
        if (open)
            result_note(out, "%s rule allows %s", protocol,
                        from == -1 ? "every ICMP type" : "that ICMP type");
        return;
    }

    if (from == -1 || to == -1) {
        result_set(out, TV_TRUE, rule);
        result_note(out, "%s port -1 allows every port", protocol);
        return;
    }

    /* AWS rejects a rule whose from_port is above its to_port, so such a
     * range contains no port. */
    int open = from <= state->port && state->port <= to;
    result_set(out, open ? TV_TRUE : TV_FALSE, rule);
    if (open)
        result_note(out, "%s ports %ld-%ld include port %ld", protocol, from, to,
                    state->port);
    else
        result_note(out, "%s ports %ld-%ld do not include port %ld", protocol, from, to,
                    state->port);
}

static void port_eval(const void *opaque, const cursor *at, eval_result *out)
{
    const port_state *state = opaque;

    switch (cursor_state(at)) {
    case VALUE_MISSING:
        result_set(out, TV_FALSE, at);
        return;
    case VALUE_UNKNOWN:
        result_set(out, TV_UNKNOWN, at);
        result_note(out, "the rule is not known until apply");
        return;
    case VALUE_PRESENT:
        break;
    }
    if (!json_is_object(at->value)) {
        result_set(out, TV_ERROR, at);
        result_note(out, "%s is not a security group rule (an object with protocol, "
                         "from_port and to_port)",
                    sb_str(&out->path));
        return;
    }

    cursor protocol_field;
    cursor_child_key(&protocol_field, at, "protocol");
    long protocol;
    switch (cursor_state(&protocol_field)) {
    case VALUE_MISSING:
        result_set(out, TV_ERROR, at);
        result_note(out, "%s has no protocol", sb_str(&out->path));
        return;
    case VALUE_UNKNOWN:
        result_set(out, TV_UNKNOWN, &protocol_field);
        result_note(out, "the protocol is not known until apply");
        return;
    case VALUE_PRESENT:
        break;
    }
    if (!read_protocol(protocol_field.value, &protocol)) {
        result_set(out, TV_ERROR, &protocol_field);
        result_note(out, "%s is not a protocol name or number", sb_str(&out->path));
        return;
    }

    /* With all traffic AWS ignores the ports, whatever their values. */
    if (protocol == PROTOCOL_ALL) {
        result_set(out, TV_TRUE, &protocol_field);
        result_note(out, "protocol -1 allows all traffic on every port");
        return;
    }

    const char *name = listed_protocol(state, protocol);
    if (!name) {
        result_set(out, TV_FALSE, at);
        return;
    }
    decide_ports(state, at, name, out);
}

/* The table entries. */

static void no_state_free(void *state)
{
    (void)state;
}

static int no_params_compile(void **state, const json_t *spec, strbuf *error)
{
    (void)spec;
    (void)error;
    *state = NULL;
    return 0;
}

static const char *const no_params[] = {NULL};
static const char *const port_params[] = {"port", "protocols", NULL};

const domain_op op_cidr_anywhere = {
    "cidr_anywhere", no_params, no_params_compile, no_state_free, cidr_eval,
};

const domain_op op_port_open = {
    "port_open", port_params, port_compile, port_free, port_eval,
};
