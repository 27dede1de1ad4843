/* The network operators: cidr_anywhere, on a CIDR block or a list of them;
 * port_open, on one security group rule in the inline shape {protocol,
 * from_port, to_port, cidr_blocks, ipv6_cidr_blocks, ...}; and
 * open_to_anywhere, on a list of such rules. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cidr.h"
#include "ops.h"

static const char *json_kind(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* Reading CIDR blocks. A value that holds blocks (cidr_blocks,
 * ipv6_cidr_blocks) is a list of strings; one string also counts as a list
 * of one. */

typedef enum block_kind {
    BLOCK_NONE,    /* missing, or a reference to another resource's block */
    BLOCK_KNOWN,   /* a CIDR block */
    BLOCK_UNKNOWN, /* not known until apply, and could be any block */
    BLOCK_INVALID  /* not a string, or a string that is not a CIDR block */
} block_kind;

static size_t block_count(const cursor *list)
{
    switch (cursor_state(list)) {
    case VALUE_MISSING:
        return 0;
    case VALUE_UNKNOWN:
        return 1;
    case VALUE_PRESENT:
        break;
    }
    return json_is_array(list->value) ? json_array_size(list->value) : 1;
}

/* Points `item` at item `index` of `list` (the list itself when it is not
 * a JSON list). */
static void block_item(const cursor *list, size_t index, cursor *item)
{
    if (cursor_state(list) == VALUE_PRESENT && json_is_array(list->value))
        cursor_child_index(item, list, index);
    else
        *item = *list;
}

/* Appends `text` in double quotes as a note shows a value: `"` and `\`
 * escaped, control characters as \u escapes, and text beyond
 * QUOTED_VALUE_MAX bytes cut at a character boundary and marked "...". */
#define QUOTED_VALUE_MAX 64

static void append_quoted_value(strbuf *sb, const char *text, size_t length)
{
    size_t shown_length = length;
    if (shown_length > QUOTED_VALUE_MAX) {
        shown_length = QUOTED_VALUE_MAX;
        while (shown_length > 0 && ((unsigned char)text[shown_length] & 0xC0) == 0x80)
            shown_length--; /* back to the first byte of a UTF-8 sequence */
    }
    sb_putc(sb, '"');
    for (size_t i = 0; i < shown_length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\')
            sb_printf(sb, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            sb_printf(sb, "\\u%04x", c);
        else
            sb_putc(sb, (char)c);
    }
    sb_puts(sb, shown_length < length ? "...\"" : "\"");
}

/* Appends why cidr_parse() rejected a string, as a clause that follows
 * "which is not a CIDR block". */
static void append_cidr_error(strbuf *sb, cidr_error error, const char *text, size_t length)
{
    switch (error) {
    case CIDR_NO_PREFIX:
        sb_puts(sb, " because it has no prefix length, which AWS requires; add /32 (IPv4) or "
                    "/128 (IPv6) to name one address");
        return;
    case CIDR_BAD_PREFIX: {
        const char *slash = memchr(text, '/', length);
        size_t address_length = slash ? (size_t)(slash - text) : length;
        sb_printf(sb, " because its prefix length is not a number from 0 to %d without "
                      "leading zeros",
                  memchr(text, ':', address_length) ? 128 : 32);
        return;
    }
    case CIDR_LEADING_ZERO:
        sb_puts(sb, " because an octet of its IPv4 address has a leading zero, which some "
                    "parsers read as octal; write each octet in decimal without leading zeros");
        return;
    case CIDR_BAD_ADDRESS:
    case CIDR_OK:
        break;
    }
    sb_puts(sb, " because its address is neither an IPv4 address (four octets from 0 to 255, "
                "such as \"10.0.0.0/16\") nor an IPv6 address (such as \"2001:db8::/32\")");
}

/* Reads one item. For BLOCK_INVALID, sets TV_ERROR on `invalid` with a
 * note naming the item's path and what it is. */
static block_kind read_block(const cursor *item, cidr_block *block, eval_result *invalid)
{
    switch (cursor_state(item)) {
    case VALUE_MISSING:
        return BLOCK_NONE;
    case VALUE_UNKNOWN:
        /* A reference names another resource's block (a VPC's, say), so
         * it is a concrete network; anything else might be 0.0.0.0/0. */
        return cursor_is_concrete(item) ? BLOCK_NONE : BLOCK_UNKNOWN;
    case VALUE_PRESENT:
        break;
    }

    result_set(invalid, TV_ERROR, item);
    if (!json_is_string(item->value)) {
        if (item->key)
            result_note(invalid, "%s is %s; it must be a CIDR block or a list of them",
                        sb_str(&invalid->path), json_kind(item->value));
        else
            result_note(invalid, "%s is %s; each CIDR block must be a string",
                        sb_str(&invalid->path), json_kind(item->value));
        return BLOCK_INVALID;
    }
    const char *text = json_string_value(item->value);
    size_t length = json_string_length(item->value);
    if (memchr(text, '\0', length)) {
        result_note(invalid, "%s contains a NUL character, so it is not a CIDR block",
                    sb_str(&invalid->path));
        return BLOCK_INVALID;
    }

    cidr_error error = cidr_parse(text, length, block);
    if (error == CIDR_OK)
        return BLOCK_KNOWN;

    /* AWS rejects such a string or reads it in a way this library cannot
     * know, possibly as every address, so it is an error and not a block
     * that admits no one. */
    strbuf note = STRBUF_INIT;
    append_quoted_value(&note, text, length);
    sb_puts(&note, ", which is not a CIDR block");
    append_cidr_error(&note, error, text, length);
    result_note(invalid, "%s is %s", sb_str(&invalid->path), sb_str(&note));
    sb_free(&note);
    return BLOCK_INVALID;
}

static const char *family_name(cidr_family family)
{
    return family == CIDR_IPV6 ? "IPv6" : "IPv4";
}

/* Moves `r` into `first` unless `first` already has a result. */
static void keep_first(eval_result *first, int *have, eval_result *r)
{
    if (!*have) {
        result_move(first, r);
        *have = 1;
    }
}

/* Names a few items in a note: `"a"`, `"a" and "b"`, `"a", "b", "c" and 2
 * more`. */
#define NAMED_MAX 3

typedef struct name_list {
    strbuf text;
    size_t count;
    char *last; /* the latest name, held back until the next or the end */
} name_list;

static void names_add(name_list *list, const char *name)
{
    if (list->count < NAMED_MAX) {
        if (list->last) {
            if (list->count > 1)
                sb_puts(&list->text, ", ");
            sb_puts(&list->text, list->last);
            free(list->last);
        }
        list->last = strdup(name);
    }
    list->count++;
}

static void names_finish(name_list *list, strbuf *out)
{
    sb_puts(out, sb_str(&list->text));
    if (list->last) {
        if (list->count > 1)
            sb_puts(out, list->count > NAMED_MAX ? ", " : " and ");
        sb_puts(out, list->last);
    }
    if (list->count > NAMED_MAX)
        sb_printf(out, " and %zu more", list->count - NAMED_MAX);
}

static void names_free(name_list *list)
{
    sb_free(&list->text);
    free(list->last);
}

/* cidr_anywhere */

/* Appends the quoted blocks of `family` in `list` to `names`. */
static void name_blocks(const cursor *list, cidr_family family, name_list *names)
{
    size_t count = block_count(list);
    for (size_t i = 0; i < count; i++) {
        cursor item;
        cidr_block block;
        eval_result ignored;
        result_init(&ignored);
        block_item(list, i, &item);
        if (read_block(&item, &block, &ignored) == BLOCK_KNOWN && block.family == family) {
            strbuf quoted = STRBUF_INIT;
            sb_printf(&quoted, "\"%s\"", json_string_value(item.value));
            names_add(names, sb_str(&quoted));
            sb_free(&quoted);
        }
        result_free(&ignored);
    }
}

static void cidr_eval(const void *state, const cursor *at, eval_result *out)
{
    (void)state;
    cidr_set blocks = CIDR_SET_INIT;
    eval_result invalid, unknown;
    result_init(&invalid);
    result_init(&unknown);
    int have_invalid = 0, have_unknown = 0, failed = 0;

    size_t count = block_count(at);
    for (size_t i = 0; i < count; i++) {
        cursor item;
        cidr_block block;
        eval_result r;
        result_init(&r);
        block_item(at, i, &item);
        switch (read_block(&item, &block, &r)) {
        case BLOCK_KNOWN:
            /* A network of prefix length 0 covers every address of its
             * family whatever address it is written with. */
            if (block.prefix == 0) {
                result_set(out, TV_TRUE, &item);
                result_note(out, "\"%s\" covers every %s address",
                            json_string_value(item.value), family_name(block.family));
                result_free(&r);
                goto done;
            }
            failed |= cidr_set_add(&blocks, &block) < 0;
            break;
        case BLOCK_UNKNOWN:
            result_set(&r, TV_UNKNOWN, &item);
            result_note(&r, "it could be any CIDR block");
            keep_first(&unknown, &have_unknown, &r);
            break;
        case BLOCK_INVALID:
            keep_first(&invalid, &have_invalid, &r);
            break;
        case BLOCK_NONE:
            break;
        }
        result_free(&r);
    }

    for (int f = CIDR_IPV4; f <= CIDR_IPV6; f++) {
        if (!cidr_set_covers(&blocks, (cidr_family)f))
            continue;
        name_list names = {STRBUF_INIT, 0, NULL};
        strbuf note = STRBUF_INIT;
        name_blocks(at, (cidr_family)f, &names);
        names_finish(&names, &note);
        result_set(out, TV_TRUE, at);
        result_note(out, "%s together cover every %s address", sb_str(&note),
                    family_name((cidr_family)f));
        sb_free(&note);
        names_free(&names);
        goto done;
    }

    if (failed) {
        result_set(out, TV_ERROR, at);
        result_note(out, "out of memory reading the CIDR blocks of %s", sb_str(&out->path));
    } else if (have_invalid) {
        result_move(out, &invalid);
    } else if (have_unknown) {
        result_move(out, &unknown);
    } else {
        result_set(out, TV_FALSE, at);
    }

done:
    result_free(&invalid);
    result_free(&unknown);
    cidr_set_free(&blocks);
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
    if (json_is_string(value) && strlen(json_string_value(value)) != json_string_length(value))
        return 0; /* a NUL inside: no number */
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
        if (strlen(text) != json_string_length(value))
            return 0; /* a NUL inside: no protocol name */
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
        result_note(out, "it could be any port");
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
        result_note(out, "the rule could allow any traffic");
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
        result_note(out, "it could be any protocol");
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

/* Appends the port the condition tests: "port 22", or "ICMP type 8" when
 * it lists only ICMP protocols. */
static void describe_port(const port_state *state, strbuf *sb)
{
    unsigned icmp = 0;
    for (size_t i = 0; i < PROTOCOL_NAME_COUNT; i++)
        if (protocol_names[i].number == PROTOCOL_ICMP || protocol_names[i].number == PROTOCOL_ICMPV6)
            icmp |= 1u << i;
    if ((state->protocols & ~icmp) == 0)
        sb_printf(sb, "ICMP type %ld", state->port);
    else
        sb_printf(sb, "port %ld", state->port);
}

/* open_to_anywhere */

/* What the rules of one address family let through. */
typedef struct family_scan {
    cidr_set opened;     /* blocks of rules that let the port through */
    cidr_set perhaps;    /* those, and blocks of rules that might */
    size_t first_rule;   /* the first rule with a block in `opened`, or SIZE_MAX */
    size_t last_rule;    /* the last one, or SIZE_MAX */
    name_list rules;     /* the rules with a block in `opened` */
    name_list blocks;    /* those blocks, quoted */
    size_t whole_rule;   /* the first rule with a block that covers every
                            address alone ("0.0.0.0/0"), or SIZE_MAX */
    char *whole_block;   /* that block, quoted */
} family_scan;

typedef struct open_scan {
    family_scan family[2];
    eval_result invalid, unknown, perhaps;
    int have_invalid, have_unknown, have_perhaps, failed;
} open_scan;

/* Reads the blocks of one rule's cidr_blocks or ipv6_cidr_blocks into the
 * scan. `opens` is TV_TRUE when the rule lets the port through and
 * TV_UNKNOWN when it might, with `why` giving the unknown part. */
static void scan_blocks(open_scan *scan, const cursor *rule, size_t index, const char *field,
                        tv opens, eval_result *why)
{
    cursor list;
    cursor_child_key(&list, rule, field);
    size_t count = block_count(&list);
    for (size_t i = 0; i < count; i++) {
        cursor item;
        cidr_block block;
        eval_result r;
        result_init(&r);
        block_item(&list, i, &item);
        switch (read_block(&item, &block, &r)) {
        case BLOCK_KNOWN: {
            family_scan *family = &scan->family[block.family];
            scan->failed |= cidr_set_add(&family->perhaps, &block) < 0;
            if (opens == TV_UNKNOWN) {
                keep_first(&scan->perhaps, &scan->have_perhaps, why);
                break;
            }
            scan->failed |= cidr_set_add(&family->opened, &block) < 0;
            if (family->last_rule != index) {
                strbuf name = STRBUF_INIT;
                cursor_render_path(rule, &name);
                if (family->first_rule == SIZE_MAX)
                    family->first_rule = index;
                family->last_rule = index;
                names_add(&family->rules, sb_str(&name));
                sb_free(&name);
            }
            strbuf quoted = STRBUF_INIT;
            sb_printf(&quoted, "\"%s\"", json_string_value(item.value));
            names_add(&family->blocks, sb_str(&quoted));
            if (block.prefix == 0 && family->whole_rule == SIZE_MAX) {
                family->whole_rule = index;
                family->whole_block = sb_steal(&quoted);
                scan->failed |= family->whole_block == NULL;
            }
            sb_free(&quoted);
            break;
        }
        case BLOCK_UNKNOWN:
            result_set(&r, TV_UNKNOWN, &item);
            result_note(&r, "it could be any CIDR block");
            keep_first(&scan->unknown, &scan->have_unknown, &r);
            break;
        case BLOCK_INVALID:
            keep_first(&scan->invalid, &scan->have_invalid, &r);
            break;
        case BLOCK_NONE:
            break;
        }
        result_free(&r);
    }
}

static void open_scan_free(open_scan *scan)
{
    for (int f = 0; f < 2; f++) {
        cidr_set_free(&scan->family[f].opened);
        cidr_set_free(&scan->family[f].perhaps);
        names_free(&scan->family[f].rules);
        names_free(&scan->family[f].blocks);
        free(scan->family[f].whole_block);
    }
    result_free(&scan->invalid);
    result_free(&scan->unknown);
    result_free(&scan->perhaps);
}

static void open_eval(const void *opaque, const cursor *at, eval_result *out)
{
    const port_state *state = opaque;
    switch (cursor_state(at)) {
    case VALUE_MISSING:
        result_set(out, TV_FALSE, at);
        return;
    case VALUE_UNKNOWN:
        result_set(out, TV_UNKNOWN, at);
        result_note(out, "the rules could allow any traffic");
        return;
    case VALUE_PRESENT:
        break;
    }
    if (!json_is_array(at->value)) {
        result_set(out, TV_ERROR, at);
        result_note(out, "%s is %s; it must be a list of security group rules",
                    sb_str(&out->path), json_kind(at->value));
        return;
    }

    open_scan scan;
    memset(&scan, 0, sizeof(scan));
    for (int f = 0; f < 2; f++)
        scan.family[f].first_rule = scan.family[f].last_rule = scan.family[f].whole_rule =
            SIZE_MAX;
    result_init(&scan.invalid);
    result_init(&scan.unknown);
    result_init(&scan.perhaps);

    for (size_t i = 0; i < json_array_size(at->value); i++) {
        cursor rule;
        cursor_child_index(&rule, at, i);
        eval_result opens;
        result_init(&opens);
        result_set(&opens, TV_FALSE, &rule);
        port_eval(state, &rule, &opens);

        if (opens.value == TV_ERROR) {
            keep_first(&scan.invalid, &scan.have_invalid, &opens);
        } else if (opens.value != TV_FALSE && cursor_state(&rule) == VALUE_UNKNOWN) {
            /* The whole rule is unknown: any port, any block. */
            result_set(&opens, TV_UNKNOWN, &rule);
            result_note(&opens, "the rule could allow any traffic");
            keep_first(&scan.unknown, &scan.have_unknown, &opens);
        } else if (opens.value != TV_FALSE) {
            scan_blocks(&scan, &rule, i, "cidr_blocks", opens.value, &opens);
            scan_blocks(&scan, &rule, i, "ipv6_cidr_blocks", opens.value, &opens);
        }
        result_free(&opens);
    }

    /* The family whose covering rules start first decides. */
    int decided = -1;
    for (int f = CIDR_IPV4; f <= CIDR_IPV6; f++) {
        family_scan *family = &scan.family[f];
        if (family->first_rule != SIZE_MAX && cidr_set_covers(&family->opened, (cidr_family)f) &&
            (decided < 0 || family->first_rule < scan.family[decided].first_rule))
            decided = f;
    }

    if (decided >= 0) {
        family_scan *family = &scan.family[decided];
        /* A block that covers every address alone is named alone, even
         * when other rules open the port too. */
        int whole = family->whole_rule != SIZE_MAX;
        cursor rule;
        cursor_child_index(&rule, at, whole ? family->whole_rule : family->first_rule);
        strbuf note = STRBUF_INIT;
        if (whole) {
            cursor_render_path(&rule, &note);
            sb_puts(&note, " allows ");
        } else {
            names_finish(&family->rules, &note);
            sb_puts(&note, family->rules.count > 1 ? " allow " : " allows ");
        }
        describe_port(state, &note);
        sb_puts(&note, " from ");
        if (whole)
            sb_puts(&note, family->whole_block);
        else
            names_finish(&family->blocks, &note);
        sb_printf(&note, ", which %s every %s address",
                  !whole && family->blocks.count > 1 ? "together cover" : "covers",
                  family_name((cidr_family)decided));
        result_set(out, TV_TRUE, &rule);
        result_note(out, "%s", sb_str(&note));
        sb_free(&note);
    } else if (scan.failed) {
        result_set(out, TV_ERROR, at);
        result_note(out, "out of memory reading the rules of %s", sb_str(&out->path));
    } else if (scan.have_invalid) {
        result_move(out, &scan.invalid);
    } else if (scan.have_unknown) {
        result_move(out, &scan.unknown);
    } else if (scan.have_perhaps && (cidr_set_covers(&scan.family[CIDR_IPV4].perhaps, CIDR_IPV4) ||
                                     cidr_set_covers(&scan.family[CIDR_IPV6].perhaps, CIDR_IPV6))) {
        /* The blocks cover every address only with a rule whose ports or
         * protocol are not known until apply. */
        result_move(out, &scan.perhaps);
    } else {
        result_set(out, TV_FALSE, at);
    }
    open_scan_free(&scan);
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

const domain_op op_open_to_anywhere = {
    "open_to_anywhere", port_params, port_compile, port_free, open_eval,
};
