/* Unit tests for the network operators cidr_anywhere, port_open and
 * open_to_anywhere, on security group rules from real templates and plans
 * and on edge cases. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model/cursor.h"
#include "model/model.h"
#include "rules/ops.h"
#include "util/strbuf.h"

static soc2_snapshot *snapshot;
static soc2_resource *target; /* what references in the tests point at */

static void setup(void)
{
    ck_assert_int_eq(soc2_snapshot_new(&snapshot), 0);
    target = resource_new(snapshot, "aws_vpc.main", "aws_vpc", NULL, NULL, NULL);
    ck_assert_ptr_nonnull(target);
}

static void teardown(void)
{
    resource_free(target);
    soc2_snapshot_free(snapshot);
}

static const char *tv_name(tv value)
{
    static const char *const names[] = {"FALSE", "TRUE", "UNKNOWN", "ERROR"};
    return names[value];
}

#define expect_tv(out, expected, label)                                                      \
    ck_assert_msg((out)->value == (expected), "%s: expected %s, got %s at \"%s\" (%s)",      \
                  (label), tv_name(expected), tv_name((out)->value), sb_str(&(out)->path),   \
                  sb_str(&(out)->note))

/* Makes a security group holding `ingress` (stolen) with `unknown` paths
 * marked unknown and `references` paths marked unknown and recorded as
 * references to `target`. The lists may be NULL and end with NULL. */
static soc2_resource *group_resource(json_t *ingress, const char *const *unknown,
                                     const char *const *references)
{
    json_t *attrs = json_object();
    json_object_set_new(attrs, "ingress", ingress);
    json_t *mask = NULL;
    for (size_t i = 0; unknown && unknown[i]; i++)
        ck_assert_int_eq(mask_mark_unknown(&mask, unknown[i]), 0);
    for (size_t i = 0; references && references[i]; i++)
        ck_assert_int_eq(mask_mark_unknown(&mask, references[i]), 0);

    soc2_resource *r = resource_new(snapshot, "aws_security_group.test", "aws_security_group",
                                    NULL, attrs, mask);
    ck_assert_ptr_nonnull(r);
    for (size_t i = 0; references && references[i]; i++)
        ck_assert_int_eq(resource_add_edge(r, references[i], target->address, target), 0);
    return r;
}

/* Compiles `op` with `params` (JSON text, NULL for none) and evaluates it
 * at ingress[index], followed by `field` when that is not NULL. */
static tv run_op(const domain_op *op, const char *params, const soc2_resource *r, size_t index,
                 const char *field, eval_result *out)
{
    json_t *spec = json_loads(params ? params : "{}", 0, NULL);
    ck_assert_ptr_nonnull(spec);
    void *state = NULL;
    strbuf error = STRBUF_INIT;
    ck_assert_msg(op->compile(&state, spec, &error) == 0, "compile failed: %s", sb_str(&error));

    cursor root, ingress, rule, value;
    cursor_root(&root, r);
    cursor_child_key(&ingress, &root, "ingress");
    cursor_child_index(&rule, &ingress, index);
    const cursor *at = &rule;
    if (field) {
        cursor_child_key(&value, &rule, field);
        at = &value;
    }
    op->eval(state, at, out);

    op->free_state(state);
    json_decref(spec);
    sb_free(&error);
    return out->value;
}

/* Evaluates port_open with `params` on one rule written as JSON text. */
static tv eval_rule(const char *params, const char *rule, eval_result *out)
{
    json_t *value = json_loads(rule, JSON_DECODE_ANY, NULL);
    ck_assert_msg(value != NULL, "test rule is not JSON: %s", rule);
    soc2_resource *r = group_resource(json_pack("[o]", value), NULL, NULL);
    tv verdict = run_op(&op_port_open, params, r, 0, NULL, out);
    resource_free(r);
    return verdict;
}

/* Evaluates cidr_anywhere on the value of ingress[0].cidr_blocks. */
static tv eval_blocks(json_t *blocks, const char *const *unknown, const char *const *references,
                      eval_result *out)
{
    soc2_resource *r = group_resource(json_pack("[{s:o}]", "cidr_blocks", blocks), unknown,
                                      references);
    tv verdict = run_op(&op_cidr_anywhere, NULL, r, 0, "cidr_blocks", out);
    resource_free(r);
    return verdict;
}

/* Evaluates open_to_anywhere with `params` on the ingress list `ingress`
 * (stolen). */
static tv eval_open(const char *params, json_t *ingress, const char *const *unknown,
                    const char *const *references, eval_result *out)
{
    soc2_resource *r = group_resource(ingress, unknown, references);
    json_t *spec = json_loads(params, 0, NULL);
    ck_assert_ptr_nonnull(spec);
    void *state = NULL;
    strbuf error = STRBUF_INIT;
    ck_assert_msg(op_open_to_anywhere.compile(&state, spec, &error) == 0, "compile failed: %s",
                  sb_str(&error));

    cursor root, list;
    cursor_root(&root, r);
    cursor_child_key(&list, &root, "ingress");
    op_open_to_anywhere.eval(state, &list, out);

    op_open_to_anywhere.free_state(state);
    json_decref(spec);
    sb_free(&error);
    resource_free(r);
    return out->value;
}

/* Parses a test's JSON text. */
static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *value = json_loads(text, JSON_DECODE_ANY, &error);
    ck_assert_msg(value != NULL, "test JSON is invalid: %s in %s", error.text, text);
    return value;
}

static json_t *load_json(const char *relative)
{
    json_error_t error;
    json_t *root = json_load_file(data_path(relative), 0, &error);
    ck_assert_msg(root != NULL, "%s: %s (line %d)", relative, error.text, error.line);
    return root;
}

START_TEST(cidr_anywhere_spellings)
{
    static const struct {
        const char *block;
        tv expected;
    } cases[] = {
        {"0.0.0.0/0", TV_TRUE},
        {"::/0", TV_TRUE},
        {"0000:0000:0000:0000:0000:0000:0000:0000/0", TV_TRUE},
        {"0::/0", TV_TRUE},
        {"0000::/0", TV_TRUE},
        {"10.0.0.0/0", TV_TRUE},
        {"2001:db8::/0", TV_TRUE},
        {"::ffff:0.0.0.0/0", TV_TRUE},
        {"0:0:0:0:0:0:0.0.0.0/0", TV_TRUE},
        {"2001:800::/21", TV_FALSE},
        {"2001:DB8::/32", TV_FALSE},
        {"2001:db8:0300::/48", TV_FALSE},
        {"1:2:3:4:5:6:7::/112", TV_FALSE},
        {"::ffff:0.0.0.0/96", TV_FALSE},
        {"10.0.0.0/8", TV_FALSE},
        {"0.0.0.0/1", TV_FALSE},
        {"255.255.255.255/32", TV_FALSE},
        {"100.64.0.0/10", TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_blocks(json_string(cases[i].block), NULL, NULL, &out);
        expect_tv(&out, cases[i].expected, cases[i].block);
        eval_blocks(json_pack("[s]", cases[i].block), NULL, NULL, &out);
        expect_tv(&out, cases[i].expected, cases[i].block);
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_blocks(json_null(), NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "missing");
    eval_blocks(json_string("::/0"), NULL, NULL, &out);
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks");
    ck_assert_str_eq(sb_str(&out.note), "\"::/0\" covers every IPv6 address");
    result_free(&out);
}
END_TEST

/* Strings that are not CIDR blocks, each with the reason its note gives
 * after "which is not a CIDR block". AWS rejects them or reads them its own
 * way, so each makes the result an error. */
#define BAD_ADDRESS                                                                          \
    " because its address is neither an IPv4 address (four octets from 0 to 255, such as "  \
    "\"10.0.0.0/16\") nor an IPv6 address (such as \"2001:db8::/32\")"
#define NO_PREFIX                                                                            \
    " because it has no prefix length, which AWS requires; add /32 (IPv4) or /128 (IPv6) "  \
    "to name one address"
#define BAD_IPV4_PREFIX                                                                      \
    " because its prefix length is not a number from 0 to 32 without leading zeros"
#define BAD_IPV6_PREFIX                                                                      \
    " because its prefix length is not a number from 0 to 128 without leading zeros"
#define LEADING_ZERO                                                                         \
    " because an octet of its IPv4 address has a leading zero, which some parsers read as "  \
    "octal; write each octet in decimal without leading zeros"

static const struct {
    const char *block;
    const char *reason;
} malformed_blocks[] = {
    {" 0.0.0.0/0", BAD_ADDRESS},
    {"0.0.0.0 /0", BAD_ADDRESS},
    {"0.0.0.0/0 ", BAD_IPV4_PREFIX},
    {"0.0.0.0/ 0", BAD_IPV4_PREFIX},
    {"0.0.0.0", NO_PREFIX},
    {"10.1.2.3", NO_PREFIX},
    {"::", NO_PREFIX},
    {"2001:db8::1", NO_PREFIX},
    {"0.0.0.0/33", BAD_IPV4_PREFIX},
    {"0.0.0.0/128", BAD_IPV4_PREFIX},
    {"::/129", BAD_IPV6_PREFIX},
    {"0.0.0.0/", BAD_IPV4_PREFIX},
    {"0.0.0.0/00", BAD_IPV4_PREFIX},
    {"10.0.0.0/08", BAD_IPV4_PREFIX},
    {"::/00", BAD_IPV6_PREFIX},
    {"0.0.0.0/-0", BAD_IPV4_PREFIX},
    {"0.0.0.0/+0", BAD_IPV4_PREFIX},
    {"0.0.0.0/0x0", BAD_IPV4_PREFIX},
    {"0.0.0.0/0/0", BAD_IPV4_PREFIX},
    {"0.0.0.0/0:0", BAD_IPV4_PREFIX},
    {"::/0:0", BAD_IPV6_PREFIX},
    {"000.000.000.000/0", LEADING_ZERO},
    {"010.0.0.0/8", LEADING_ZERO},
    {"10.0.0.00/8", LEADING_ZERO},
    {"0.0.0/0", BAD_ADDRESS},
    {"0.0.0.0.0/0", BAD_ADDRESS},
    {"0..0.0/0", BAD_ADDRESS},
    {"256.0.0.0/0", BAD_ADDRESS},
    {"1000.0.0.0/0", BAD_ADDRESS},
    {"0x0.0.0.0/0", BAD_ADDRESS},
    {"0/0", BAD_ADDRESS},
    {"/0", BAD_ADDRESS},
    {"1:2:3:4:5:6:7:8:9/0", BAD_ADDRESS},
    {"1::2::3/0", BAD_ADDRESS},
    {"12345::/0", BAD_ADDRESS},
    {":::/0", BAD_ADDRESS},
    {"fe80::1%eth0/64", BAD_ADDRESS},
    {"::ffff:010.0.0.0/104", BAD_ADDRESS},
    {"[::]/0", BAD_ADDRESS},
    {"anywhere", BAD_ADDRESS},
    {"", BAD_ADDRESS},
};

START_TEST(cidr_anywhere_malformed_blocks)
{
    for (size_t i = 0; i < sizeof(malformed_blocks) / sizeof(malformed_blocks[0]); i++) {
        const char *block = malformed_blocks[i].block;
        char note[512];
        eval_result out;
        result_init(&out);

        eval_blocks(json_string(block), NULL, NULL, &out);
        expect_tv(&out, TV_ERROR, block);
        ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks");
        snprintf(note, sizeof(note),
                 "ingress[0].cidr_blocks is \"%s\", which is not a CIDR block%s", block,
                 malformed_blocks[i].reason);
        ck_assert_str_eq(sb_str(&out.note), note);

        eval_blocks(json_pack("[s, s]", "10.0.0.0/8", block), NULL, NULL, &out);
        expect_tv(&out, TV_ERROR, block);
        ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks[1]");
        snprintf(note, sizeof(note),
                 "ingress[0].cidr_blocks[1] is \"%s\", which is not a CIDR block%s", block,
                 malformed_blocks[i].reason);
        ck_assert_str_eq(sb_str(&out.note), note);

        /* A block that covers every address decides whatever the others are. */
        eval_blocks(json_pack("[s, s]", block, "::/0"), NULL, NULL, &out);
        expect_tv(&out, TV_TRUE, block);
        result_free(&out);
    }
}
END_TEST

START_TEST(cidr_anywhere_malformed_quoting)
{
    eval_result out;
    result_init(&out);

    /* Quotes, backslashes and control characters are escaped. */
    eval_blocks(json_string("0.0.0.0/0\"\\\t\x7f"), NULL, NULL, &out);
    expect_tv(&out, TV_ERROR, "escaped characters");
    ck_assert_str_eq(sb_str(&out.note),
                     "ingress[0].cidr_blocks is \"0.0.0.0/0\\\"\\\\\\u0009\\u007f\", which is not "
                     "a CIDR block" BAD_IPV4_PREFIX);

    /* A long value is cut after 64 bytes, at a character boundary: the
     * two bytes of U+00E9 that would straddle byte 64 are left out whole. */
    strbuf value = STRBUF_INIT;
    for (int i = 0; i < 63; i++)
        sb_putc(&value, 'a');
    sb_puts(&value, "\xc3\xa9/0");
    eval_blocks(json_string(sb_str(&value)), NULL, NULL, &out);
    expect_tv(&out, TV_ERROR, "long value");
    strbuf note = STRBUF_INIT;
    sb_puts(&note, "ingress[0].cidr_blocks is \"");
    sb_append(&note, sb_str(&value), 63);
    sb_puts(&note, "...\", which is not a CIDR block" BAD_ADDRESS);
    ck_assert_str_eq(sb_str(&out.note), sb_str(&note));
    sb_free(&note);
    sb_free(&value);
    result_free(&out);
}
END_TEST

START_TEST(cidr_anywhere_deciding_element)
{
    json_t *ingress = json_pack("[{s:[s]}, {s:[]}, {s:[s, s], s:[s]}]", "cidr_blocks",
                                "10.0.0.0/8", "ipv6_cidr_blocks", "cidr_blocks", "10.0.0.0/16",
                                "192.168.0.0/16", "ipv6_cidr_blocks", "::/0");
    soc2_resource *r = group_resource(ingress, NULL, NULL);
    eval_result out;
    result_init(&out);
    run_op(&op_cidr_anywhere, NULL, r, 2, "ipv6_cidr_blocks", &out);
    expect_tv(&out, TV_TRUE, "ipv6 block");
    ck_assert_str_eq(sb_str(&out.path), "ingress[2].ipv6_cidr_blocks[0]");
    run_op(&op_cidr_anywhere, NULL, r, 2, "cidr_blocks", &out);
    expect_tv(&out, TV_FALSE, "private blocks");
    ck_assert_str_eq(sb_str(&out.path), "ingress[2].cidr_blocks");
    result_free(&out);
    resource_free(r);
}
END_TEST

START_TEST(cidr_anywhere_unknown_blocks)
{
    static const char *const first[] = {"ingress[0].cidr_blocks[0]", NULL};
    static const char *const whole[] = {"ingress[0].cidr_blocks", NULL};
    eval_result out;
    result_init(&out);

    eval_blocks(json_pack("[n, s]", "10.0.0.0/8"), first, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown and private");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks[0]");

    eval_blocks(json_pack("[n, s]", "0.0.0.0/0"), first, NULL, &out);
    expect_tv(&out, TV_TRUE, "unknown and anywhere");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks[1]");

    /* A reference is another resource's block: a concrete network. */
    eval_blocks(json_pack("[n, s]", "10.0.0.0/8"), NULL, first, &out);
    expect_tv(&out, TV_FALSE, "reference and private");
    eval_blocks(json_null(), NULL, whole, &out);
    expect_tv(&out, TV_FALSE, "whole list a reference");
    eval_blocks(json_null(), whole, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "whole list unknown");
    result_free(&out);
}
END_TEST

START_TEST(cidr_anywhere_wrong_types)
{
    static const struct {
        const char *blocks;
        const char *path;
        const char *note;
    } cases[] = {
        {"[[\"0.0.0.0/0\"]]", "ingress[0].cidr_blocks[0]",
         "ingress[0].cidr_blocks[0] is a list; each CIDR block must be a string"},
        {"{\"a\": \"0.0.0.0/0\"}", "ingress[0].cidr_blocks",
         "ingress[0].cidr_blocks is an object; it must be a CIDR block or a list of them"},
        {"0", "ingress[0].cidr_blocks",
         "ingress[0].cidr_blocks is a number; it must be a CIDR block or a list of them"},
        {"[\"10.0.0.0/8\", true]", "ingress[0].cidr_blocks[1]",
         "ingress[0].cidr_blocks[1] is a boolean; each CIDR block must be a string"},
        {"[{\"cidr\": \"0.0.0.0/0\"}]", "ingress[0].cidr_blocks[0]",
         "ingress[0].cidr_blocks[0] is an object; each CIDR block must be a string"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_blocks(parse(cases[i].blocks), NULL, NULL, &out);
        expect_tv(&out, TV_ERROR, cases[i].blocks);
        ck_assert_str_eq(sb_str(&out.path), cases[i].path);
        ck_assert_str_eq(sb_str(&out.note), cases[i].note);
        result_free(&out);
    }

    /* A block that covers every address decides whatever the others are. */
    eval_result out;
    result_init(&out);
    eval_blocks(parse("[7, \"0.0.0.0/0\"]"), NULL, NULL, &out);
    expect_tv(&out, TV_TRUE, "a number and anywhere");

    /* A NUL ends the text for C, but the block is the whole string. */
    static const char nul[] = "0.0.0.0/0\0junk";
    eval_blocks(json_pack("[o]", json_stringn(nul, sizeof(nul) - 1)), NULL, NULL, &out);
    expect_tv(&out, TV_ERROR, "NUL inside the block");
    ck_assert_str_eq(sb_str(&out.note),
                     "ingress[0].cidr_blocks[0] contains a NUL character, so it is not a CIDR "
                     "block");
    result_free(&out);
}
END_TEST

/* Returns a JSON list of the blocks that split the whole space of the
 * family in halves, quarters and so on: /1 from the bottom, then /2 of the
 * rest, down to `last` bits, plus the highest address when `complete`. */
static json_t *halving_blocks(int ipv6, unsigned last, int complete)
{
    json_t *list = json_array();
    unsigned width = ipv6 ? 128 : 32;
    for (unsigned prefix = 1; prefix <= last; prefix++) {
        /* The block of this prefix starts where every earlier one ended:
         * the first prefix - 1 bits set, then a zero. */
        unsigned char bytes[16] = {0};
        for (unsigned bit = 0; bit + 1 < prefix; bit++)
            bytes[bit / 8] |= (unsigned char)(0x80u >> (bit % 8));
        char text[64];
        if (ipv6) {
            size_t n = 0;
            for (int group = 0; group < 8; group++)
                n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%x", group ? ":" : "",
                                      bytes[2 * group] << 8 | bytes[2 * group + 1]);
        } else {
            snprintf(text, sizeof(text), "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
        }
        char block[80];
        snprintf(block, sizeof(block), "%s/%u", text, prefix);
        json_array_append_new(list, json_string(block));
    }
    if (complete && last == width)
        json_array_append_new(list, json_string(ipv6 ? "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"
                                                     : "255.255.255.255/32"));
    return list;
}

START_TEST(cidr_anywhere_union)
{
    static const struct {
        const char *blocks;
        tv expected;
    } cases[] = {
        {"[\"0.0.0.0/1\", \"128.0.0.0/1\"]", TV_TRUE},
        {"[\"128.0.0.0/1\", \"0.0.0.0/1\"]", TV_TRUE},
        {"[\"::/1\", \"8000::/1\"]", TV_TRUE},
        {"[\"0.0.0.0/2\", \"64.0.0.0/2\", \"128.0.0.0/2\", \"192.0.0.0/2\"]", TV_TRUE},
        /* Overlaps, duplicates and host bits do not matter. */
        {"[\"0.0.0.0/1\", \"64.0.0.0/2\", \"0.0.0.0/1\", \"128.0.0.0/1\"]", TV_TRUE},
        {"[\"10.0.0.1/1\", \"200.1.2.3/1\"]", TV_TRUE},
        {"[\"0.0.0.0/1\", \"64.0.0.0/3\", \"96.0.0.0/1\"]", TV_FALSE},
        /* The IPv6 split at the 64-bit boundary. */
        {"[\"::/1\", \"8000::/2\", \"c000::/3\", \"e000::/3\"]", TV_TRUE},
        {"[\"::/64\", \"0:0:0:1::/64\", \"0:0:0:2::/63\", \"0:0:0:4::/62\", \"::8:0:0:0:0/61\","
         " \"::10:0:0:0:0/60\", \"::20:0:0:0:0/59\", \"::40:0:0:0:0/58\", \"::80:0:0:0:0/57\","
         " \"::100:0:0:0:0/56\", \"::200:0:0:0:0/55\", \"::400:0:0:0:0/54\","
         " \"::800:0:0:0:0/53\", \"::1000:0:0:0:0/52\", \"::2000:0:0:0:0/51\","
         " \"::4000:0:0:0:0/50\", \"::8000:0:0:0:0/49\", \"0:0:1::/48\", \"0:0:2::/47\","
         " \"0:0:4::/46\", \"0:0:8::/45\", \"0:0:10::/44\", \"0:0:20::/43\", \"0:0:40::/42\","
         " \"0:0:80::/41\", \"0:0:100::/40\", \"0:0:200::/39\", \"0:0:400::/38\","
         " \"0:0:800::/37\", \"0:0:1000::/36\", \"0:0:2000::/35\", \"0:0:4000::/34\","
         " \"0:0:8000::/33\", \"0:1::/32\", \"0:2::/31\", \"0:4::/30\", \"0:8::/29\","
         " \"0:10::/28\", \"0:20::/27\", \"0:40::/26\", \"0:80::/25\", \"0:100::/24\","
         " \"0:200::/23\", \"0:400::/22\", \"0:800::/21\", \"0:1000::/20\", \"0:2000::/19\","
         " \"0:4000::/18\", \"0:8000::/17\", \"1::/16\", \"2::/15\", \"4::/14\", \"8::/13\","
         " \"10::/12\", \"20::/11\", \"40::/10\", \"80::/9\", \"100::/8\", \"200::/7\","
         " \"400::/6\", \"800::/5\", \"1000::/4\", \"2000::/3\", \"4000::/2\", \"8000::/1\"]",
         TV_TRUE},
        /* Halves of different families cover neither. */
        {"[\"0.0.0.0/1\", \"8000::/1\"]", TV_FALSE},
        {"[\"0.0.0.0/1\"]", TV_FALSE},
        {"[\"0.0.0.0/1\", \"128.0.0.0/2\", \"192.0.0.0/2\", \"anywhere\"]", TV_TRUE},
        /* Without the covering blocks, the malformed string is an error. */
        {"[\"0.0.0.0/1\", \"128.0.0.0/2\", \"anywhere\"]", TV_ERROR},
        {"[\"0.0.0.0/1\", \"128.0.0.0/1\", \"::/1\", \"8000::/1 \"]", TV_TRUE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_blocks(parse(cases[i].blocks), NULL, NULL, &out);
        expect_tv(&out, cases[i].expected, cases[i].blocks);
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_blocks(parse("[\"10.0.0.0/8\", \"0.0.0.0/1\", \"128.0.0.0/1\"]"), NULL, NULL, &out);
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks");
    ck_assert_str_eq(sb_str(&out.note), "\"10.0.0.0/8\", \"0.0.0.0/1\" and \"128.0.0.0/1\" "
                                        "together cover every IPv4 address");
    eval_blocks(parse("[\"0.0.0.0/2\", \"64.0.0.0/2\", \"128.0.0.0/2\", \"192.0.0.0/2\"]"), NULL,
                NULL, &out);
    ck_assert_str_eq(sb_str(&out.note), "\"0.0.0.0/2\", \"64.0.0.0/2\", \"128.0.0.0/2\" and 1 "
                                        "more together cover every IPv4 address");

    /* Down to the last address, which 128-bit arithmetic must not wrap. */
    for (int ipv6 = 0; ipv6 <= 1; ipv6++) {
        unsigned width = ipv6 ? 128 : 32;
        eval_blocks(halving_blocks(ipv6, width, 1), NULL, NULL, &out);
        expect_tv(&out, TV_TRUE, ipv6 ? "IPv6 halvings to the last address" : "IPv4 halvings");
        eval_blocks(halving_blocks(ipv6, width, 0), NULL, NULL, &out);
        expect_tv(&out, TV_FALSE, ipv6 ? "IPv6 without the last address" : "IPv4 without it");
    }

    /* An unknown block could fill the gap; a reference cannot. */
    static const char *const last[] = {"ingress[0].cidr_blocks[1]", NULL};
    eval_blocks(parse("[\"0.0.0.0/1\", null]"), last, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "half and unknown");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks[1]");
    eval_blocks(parse("[\"0.0.0.0/1\", null]"), NULL, last, &out);
    expect_tv(&out, TV_FALSE, "half and reference");
    eval_blocks(parse("[\"0.0.0.0/1\", null, \"128.0.0.0/1\"]"), last, NULL, &out);
    expect_tv(&out, TV_TRUE, "halves and unknown");
    result_free(&out);
}
END_TEST

START_TEST(open_to_anywhere_across_rules)
{
    static const char ssh[] = "{\"port\": 22, \"protocols\": [\"tcp\"]}";
    eval_result out;
    result_init(&out);

    eval_open(ssh,
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"0.0.0.0/1\"]},"
                    " {\"protocol\": \"tcp\", \"from_port\": 20, \"to_port\": 30,"
                    "  \"cidr_blocks\": [\"128.0.0.0/1\"]}]"),
              NULL, NULL, &out);
    expect_tv(&out, TV_TRUE, "halves in two rules");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0]");
    ck_assert_str_eq(sb_str(&out.note), "ingress[0] and ingress[1] allow port 22 from "
                                        "\"0.0.0.0/1\" and \"128.0.0.0/1\", which together "
                                        "cover every IPv4 address");

    /* The second half opens another port. */
    eval_open(ssh,
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"0.0.0.0/1\"]},"
                    " {\"protocol\": \"tcp\", \"from_port\": 80, \"to_port\": 80,"
                    "  \"cidr_blocks\": [\"128.0.0.0/1\"]}]"),
              NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "second half on port 80");
    ck_assert_str_eq(sb_str(&out.path), "ingress");

    /* The deciding path is the first rule that contributes. */
    eval_open(ssh,
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"10.0.0.0/8\"]},"
                    " {\"protocol\": \"udp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"0.0.0.0/0\"]},"
                    " {\"protocol\": \"-1\", \"from_port\": 0, \"to_port\": 0,"
                    "  \"ipv6_cidr_blocks\": [\"::/0\"]}]"),
              NULL, NULL, &out);
    expect_tv(&out, TV_TRUE, "all traffic from ::/0");
    ck_assert_str_eq(sb_str(&out.path), "ingress[2]");
    ck_assert_str_eq(sb_str(&out.note), "ingress[2] allows port 22 from \"::/0\", which covers "
                                        "every IPv6 address");

    /* IPv6 halves across rules, one written in the IPv4 list. */
    eval_open(ssh,
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"ipv6_cidr_blocks\": [\"8000::/1\"]},"
                    " {\"protocol\": \"6\", \"from_port\": \"22\", \"to_port\": \"22\","
                    "  \"cidr_blocks\": [\"::/1\"]}]"),
              NULL, NULL, &out);
    expect_tv(&out, TV_TRUE, "IPv6 halves");

    /* Rules without CIDR blocks, and no rules at all. */
    eval_open(ssh,
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"security_groups\": [\"sg-0123\"], \"self\": true}]"),
              NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "group sources");
    eval_open(ssh, json_array(), NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "no rules");
    eval_open(ssh, json_null(), NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "missing ingress");

    eval_open("{\"port\": 8, \"protocols\": [\"icmp\"]}",
              parse("[{\"protocol\": \"icmp\", \"from_port\": -1, \"to_port\": -1,"
                    "  \"cidr_blocks\": [\"0.0.0.0/0\"]}]"),
              NULL, NULL, &out);
    ck_assert_str_eq(sb_str(&out.note), "ingress[0] allows ICMP type 8 from \"0.0.0.0/0\", "
                                        "which covers every IPv4 address");
    result_free(&out);
}
END_TEST

START_TEST(open_to_anywhere_unknown_parts)
{
    static const char ssh[] = "{\"port\": 22}";
    static const char halves[] =
        "[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
        "  \"cidr_blocks\": [\"0.0.0.0/1\"]},"
        " {\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
        "  \"cidr_blocks\": [\"128.0.0.0/1\"]}]";
    eval_result out;
    result_init(&out);

    /* An unknown block where the port is open could complete the space. */
    static const char half_and_unknown[] =
        "[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
        "  \"cidr_blocks\": [\"0.0.0.0/1\"]},"
        " {\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
        "  \"cidr_blocks\": [null]}]";
    static const char *const block[] = {"ingress[1].cidr_blocks[0]", NULL};
    eval_open(ssh, parse(half_and_unknown), block, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown second half");
    ck_assert_str_eq(sb_str(&out.path), "ingress[1].cidr_blocks[0]");
    ck_assert_str_eq(sb_str(&out.note), "it could be any CIDR block");
    eval_open(ssh, parse(half_and_unknown), NULL, block, &out);
    expect_tv(&out, TV_FALSE, "second half a reference");

    /* So could an unknown rule. */
    static const char *const rule[] = {"ingress[1]", NULL};
    eval_open(ssh, parse(halves), rule, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown rule");
    ck_assert_str_eq(sb_str(&out.path), "ingress[1]");

    /* A rule whose port is unknown completes the space only if it opens
     * the port. */
    static const char *const port[] = {"ingress[1].from_port", NULL};
    eval_open(ssh, parse(halves), port, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown port of the second half");
    ck_assert_str_eq(sb_str(&out.path), "ingress[1].from_port");
    eval_open(ssh,
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"0.0.0.0/1\"]},"
                    " {\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"128.0.0.0/2\"]}]"),
              port, NULL, &out);
    expect_tv(&out, TV_FALSE, "unknown port, blocks still short");

    /* An unknown block of a rule that keeps the port closed is harmless. */
    eval_open(ssh,
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"0.0.0.0/1\"]},"
                    " {\"protocol\": \"tcp\", \"from_port\": 443, \"to_port\": 443,"
                    "  \"cidr_blocks\": [null]}]"),
              block, NULL, &out);
    expect_tv(&out, TV_FALSE, "unknown block on port 443");

    /* Known blocks that cover win over unknown ones. */
    eval_open(ssh,
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [null]},"
                    " {\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"0.0.0.0/0\"]}]"),
              (const char *const[]){"ingress[0].cidr_blocks[0]", NULL}, NULL, &out);
    expect_tv(&out, TV_TRUE, "unknown and anywhere");
    ck_assert_str_eq(sb_str(&out.path), "ingress[1]");

    static const char *const list[] = {"ingress", NULL};
    eval_open(ssh, json_null(), list, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown ingress");
    result_free(&out);
}
END_TEST

START_TEST(open_to_anywhere_invalid)
{
    static const struct {
        const char *ingress;
        const char *path;
        const char *note;
    } cases[] = {
        {"\"0.0.0.0/0\"", "ingress", "ingress is a string; it must be a list of security group rules"},
        {"{\"protocol\": \"tcp\"}", "ingress",
         "ingress is an object; it must be a list of security group rules"},
        {"[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
         "  \"cidr_blocks\": [[\"0.0.0.0/0\"]]}]",
         "ingress[0].cidr_blocks[0]",
         "ingress[0].cidr_blocks[0] is a list; each CIDR block must be a string"},
        {"[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
         "  \"cidr_blocks\": {\"a\": \"0.0.0.0/0\"}}]",
         "ingress[0].cidr_blocks",
         "ingress[0].cidr_blocks is an object; it must be a CIDR block or a list of them"},
        {"[{\"protocol\": \"tcp\", \"from_port\": \"ssh\", \"to_port\": 22,"
         "  \"cidr_blocks\": [\"0.0.0.0/0\"]}]",
         "ingress[0].from_port", "ingress[0].from_port is not a port number"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_open("{\"port\": 22}", parse(cases[i].ingress), NULL, NULL, &out);
        expect_tv(&out, TV_ERROR, cases[i].ingress);
        ck_assert_str_eq(sb_str(&out.path), cases[i].path);
        ck_assert_str_eq(sb_str(&out.note), cases[i].note);
        result_free(&out);
    }

    /* A string that is not a CIDR block, in a rule that lets the port
     * through, is an error naming the value. */
    static const struct {
        const char *ingress;
        const char *path;
        const char *note;
    } malformed[] = {
        {"[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
         "  \"cidr_blocks\": [\"0.0.0.0\"]}]",
         "ingress[0].cidr_blocks[0]",
         "ingress[0].cidr_blocks[0] is \"0.0.0.0\", which is not a CIDR block" NO_PREFIX},
        {"[{\"protocol\": \"-1\", \"from_port\": 0, \"to_port\": 0,"
         "  \"cidr_blocks\": [\"10.0.0.0/8\"], \"ipv6_cidr_blocks\": [\"::/129\"]}]",
         "ingress[0].ipv6_cidr_blocks[0]",
         "ingress[0].ipv6_cidr_blocks[0] is \"::/129\", which is not a CIDR block" BAD_IPV6_PREFIX},
        {"[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
         "  \"cidr_blocks\": [\"0.0.0.0/1\"]},"
         " {\"protocol\": \"tcp\", \"from_port\": 0, \"to_port\": 1024,"
         "  \"cidr_blocks\": [\"128.000.0.0/1\"]}]",
         "ingress[1].cidr_blocks[0]",
         "ingress[1].cidr_blocks[0] is \"128.000.0.0/1\", which is not a CIDR block" LEADING_ZERO},
    };
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_open("{\"port\": 22}", parse(malformed[i].ingress), NULL, NULL, &out);
        expect_tv(&out, TV_ERROR, malformed[i].ingress);
        ck_assert_str_eq(sb_str(&out.path), malformed[i].path);
        ck_assert_str_eq(sb_str(&out.note), malformed[i].note);
        result_free(&out);
    }

    /* A rule that opens the port to every address decides anyway. */
    eval_result out;
    result_init(&out);
    eval_open("{\"port\": 22}",
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [5]},"
                    " {\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"0.0.0.0/0\"]}]"),
              NULL, NULL, &out);
    expect_tv(&out, TV_TRUE, "invalid and anywhere");
    eval_open("{\"port\": 22}",
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"0.0.0.0/1\", \" 0.0.0.0/0\"]},"
                    " {\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22,"
                    "  \"cidr_blocks\": [\"128.0.0.0/1\"]}]"),
              NULL, NULL, &out);
    expect_tv(&out, TV_TRUE, "malformed string and halves");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0]");

    /* A rule on another port is not read, as with other malformed values. */
    eval_open("{\"port\": 22}",
              parse("[{\"protocol\": \"tcp\", \"from_port\": 443, \"to_port\": 443,"
                    "  \"cidr_blocks\": [\"0.0.0.0\"]}]"),
              NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "malformed string on another port");

    /* A rule whose port is not known until apply might open the port, so
     * its malformed block is read. */
    static const char *const unknown_port[] = {"ingress[0].to_port", NULL};
    eval_open("{\"port\": 22}",
              parse("[{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": null,"
                    "  \"cidr_blocks\": [\"0.0.0.0/33\"]}]"),
              unknown_port, NULL, &out);
    expect_tv(&out, TV_ERROR, "malformed string and unknown port");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks[0]");

    /* Protocol and port strings with a NUL are neither. */
    static const char protocol[] = "tcp\0x";
    json_t *ingress = parse("[{\"from_port\": 22, \"to_port\": 22, \"cidr_blocks\": [\"0.0.0.0/0\"]}]");
    json_object_set_new(json_array_get(ingress, 0), "protocol",
                        json_stringn(protocol, sizeof(protocol) - 1));
    eval_open("{\"port\": 22}", ingress, NULL, NULL, &out);
    expect_tv(&out, TV_ERROR, "NUL in the protocol");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].protocol");
    result_free(&out);

    ck_assert_ptr_nonnull(domain_op_find("open_to_anywhere"));
    ck_assert_str_eq(op_open_to_anywhere.params[0], "port");
    ck_assert_str_eq(op_open_to_anywhere.params[1], "protocols");
    ck_assert_ptr_null(op_open_to_anywhere.params[2]);
    json_t *spec = json_loads("{\"protocols\": [\"tcp\"]}", 0, NULL);
    void *state = NULL;
    strbuf error = STRBUF_INIT;
    ck_assert_int_eq(op_open_to_anywhere.compile(&state, spec, &error), -1);
    ck_assert_str_eq(sb_str(&error), "\"port\" is missing; give a port number from 0 to 65535");
    sb_free(&error);
    json_decref(spec);
}
END_TEST

/* Builds the Terraform shape of one CloudFormation SecurityGroupIngress
 * entry: protocol, from_port, to_port and the CIDR lists. */
static json_t *terraform_rule(const json_t *entry)
{
    json_t *rule = json_object();
    static const char *const names[][2] = {
        {"IpProtocol", "protocol"}, {"FromPort", "from_port"}, {"ToPort", "to_port"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *value = json_object_get(entry, names[i][0]);
        if (value)
            json_object_set(rule, names[i][1], value);
    }
    json_t *v4 = json_object_get(entry, "CidrIp"), *v6 = json_object_get(entry, "CidrIpv6");
    json_object_set_new(rule, "cidr_blocks", v4 ? json_pack("[O]", v4) : json_array());
    json_object_set_new(rule, "ipv6_cidr_blocks", v6 ? json_pack("[O]", v6) : json_array());
    return rule;
}

static soc2_resource *cfn_group_resource(const json_t *template, const char *name)
{
    const json_t *group = json_object_get(json_object_get(template, "Resources"), name);
    const json_t *entries =
        json_object_get(json_object_get(group, "Properties"), "SecurityGroupIngress");
    ck_assert_msg(json_is_array(entries), "%s has no SecurityGroupIngress", name);

    json_t *ingress = json_array();
    size_t i;
    json_t *entry;
    json_array_foreach(entries, i, entry)
        json_array_append_new(ingress, terraform_rule(entry));
    return group_resource(ingress, NULL, NULL);
}

START_TEST(ipv6_groups_cfn_nag)
{
    static const struct {
        const char *name;
        tv anywhere;
    } cases[] = {
        {"InstanceSecurityGroup", TV_TRUE},   /* 0000:...:0000/0 */
        {"InstanceSecurityGroup2", TV_TRUE},  /* 0000::/0 */
        {"InstanceSecurityGroup3", TV_TRUE},  /* ::/0 */
        {"InstanceSecurityGroup4", TV_FALSE}, /* 2001:800::/21 */
    };
    json_t *template =
        load_json("cloudformation/cfn_nag/ipv6-security-groups-open-to-world.json");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        soc2_resource *r = cfn_group_resource(template, cases[i].name);
        eval_result out;
        result_init(&out);
        run_op(&op_cidr_anywhere, NULL, r, 0, "ipv6_cidr_blocks", &out);
        expect_tv(&out, cases[i].anywhere, cases[i].name);
        run_op(&op_cidr_anywhere, NULL, r, 0, "cidr_blocks", &out);
        expect_tv(&out, TV_FALSE, cases[i].name);
        /* Ports written as strings: "22". */
        run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
        expect_tv(&out, TV_TRUE, cases[i].name);
        ck_assert_str_eq(sb_str(&out.path), "ingress[0]");
        ck_assert_str_eq(sb_str(&out.note), "tcp ports 22-22 include port 22");
        run_op(&op_port_open, "{\"port\": 3389}", r, 0, NULL, &out);
        expect_tv(&out, TV_FALSE, cases[i].name);
        run_op(&op_port_open, "{\"port\": 22, \"protocols\": [\"udp\"]}", r, 0, NULL, &out);
        expect_tv(&out, TV_FALSE, cases[i].name);
        result_free(&out);
        resource_free(r);
    }
    json_decref(template);
}
END_TEST

START_TEST(all_traffic_load_balancer_group)
{
    /* PublicLoadBalancerSG: IpProtocol -1 (a number) and no ports. */
    json_t *template =
        load_json("cloudformation/aws-cloudformation-templates/ecs-ec2-private-vpc.json");
    soc2_resource *r = cfn_group_resource(template, "PublicLoadBalancerSG");
    static const long ports[] = {0, 22, 80, 3389, 65535};
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        char params[64];
        snprintf(params, sizeof(params), "{\"port\": %ld, \"protocols\": [\"udp\"]}", ports[i]);
        eval_result out;
        result_init(&out);
        run_op(&op_port_open, params, r, 0, NULL, &out);
        expect_tv(&out, TV_TRUE, params);
        ck_assert_str_eq(sb_str(&out.path), "ingress[0].protocol");
        result_free(&out);
    }
    eval_result out;
    result_init(&out);
    run_op(&op_cidr_anywhere, NULL, r, 0, "cidr_blocks", &out);
    expect_tv(&out, TV_TRUE, "0.0.0.0/0");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks[0]");
    result_free(&out);
    resource_free(r);
    json_decref(template);
}
END_TEST

/* Evaluates port_open on after.ingress[0] of a planned security group. */
static tv eval_plan_rule(const json_t *plan, const char *address, const char *params,
                         const char *field, const domain_op *op, eval_result *out)
{
    size_t i;
    json_t *change;
    json_array_foreach(json_object_get(plan, "resource_changes"), i, change) {
        if (strcmp(json_string_value(json_object_get(change, "address")), address) != 0)
            continue;
        json_t *after = json_object_get(json_object_get(change, "change"), "after");
        soc2_resource *r = group_resource(json_deep_copy(json_object_get(after, "ingress")),
                                          NULL, NULL);
        tv verdict = run_op(op, params, r, 0, field, out);
        resource_free(r);
        return verdict;
    }
    ck_abort_msg("no resource %s in the plan", address);
    return TV_ERROR;
}

START_TEST(ingress_ranges_regula_plans)
{
    static const struct {
        const char *file;  /* iam/regula/<file>_infra.json */
        const char *group; /* aws_security_group.<group> */
        long port;
        tv open;
        tv anywhere;
    } cases[] = {
        {"ingress_anywhere", "valid_exact_80", 80, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "valid_exact_80", 443, TV_FALSE, TV_TRUE},
        {"ingress_anywhere", "valid_exact_443", 443, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "valid_exact_443", 80, TV_FALSE, TV_TRUE},
        {"ingress_anywhere", "invalid_include_80", 80, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "invalid_include_80", 82, TV_FALSE, TV_TRUE},
        {"ingress_anywhere", "invalid_include_443", 443, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "invalid_include_443", 80, TV_FALSE, TV_TRUE},
        {"ingress_anywhere", "invalid_allow_all", 0, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "invalid_allow_all", 65535, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_ssh", "invalid_sg_1", 22, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_ssh", "invalid_sg_2", 22, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_ssh", "invalid_sg_2", 26, TV_FALSE, TV_TRUE},
        {"ingress_anywhere_ssh", "valid_sg_1", 22, TV_FALSE, TV_TRUE},
        {"ingress_anywhere_ssh", "valid_sg_2", 22, TV_TRUE, TV_FALSE},
        {"ingress_anywhere_rdp", "invalid_sg_1", 3389, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_rdp", "invalid_sg_2", 3389, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_rdp", "valid_sg_1", 3389, TV_FALSE, TV_TRUE},
        {"ingress_anywhere_rdp", "valid_sg_2", 3389, TV_TRUE, TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char relative[128], address[128], params[64], label[160];
        snprintf(relative, sizeof(relative), "iam/regula/%s_infra.json", cases[i].file);
        snprintf(address, sizeof(address), "aws_security_group.%s", cases[i].group);
        snprintf(params, sizeof(params), "{\"port\": %ld}", cases[i].port);
        snprintf(label, sizeof(label), "%s port %ld", address, cases[i].port);
        json_t *plan = load_json(relative);
        eval_result out;
        result_init(&out);
        eval_plan_rule(plan, address, params, NULL, &op_port_open, &out);
        expect_tv(&out, cases[i].open, label);
        eval_plan_rule(plan, address, NULL, "cidr_blocks", &op_cidr_anywhere, &out);
        expect_tv(&out, cases[i].anywhere, label);
        result_free(&out);
        json_decref(plan);
    }
}
END_TEST

START_TEST(port_open_protocols)
{
    static const struct {
        const char *params;
        const char *rule;
        tv expected;
    } cases[] = {
        {"{\"port\": 22}", "{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": \"6\", \"from_port\": 22, \"to_port\": 22}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": 6, \"from_port\": \"22\", \"to_port\": \"22\"}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": \"TCP\", \"from_port\": 0, \"to_port\": 1024}", TV_TRUE},
        /* ICMP ports are a type and a code, not ports. */
        {"{\"port\": 22}", "{\"protocol\": \"icmp\", \"from_port\": 22, \"to_port\": 22}", TV_FALSE},
        {"{\"port\": 22}", "{\"protocol\": \"1\", \"from_port\": -1, \"to_port\": -1}", TV_FALSE},
        {"{\"port\": 22}", "{\"protocol\": \"udp\", \"from_port\": 22, \"to_port\": 22}", TV_FALSE},
        {"{\"port\": 53, \"protocols\": [\"udp\"]}",
         "{\"protocol\": \"17\", \"from_port\": 53, \"to_port\": 53}", TV_TRUE},
        {"{\"port\": 53, \"protocols\": [\"tcp\", \"udp\"]}",
         "{\"protocol\": \"udp\", \"from_port\": 53, \"to_port\": 53}", TV_TRUE},
        {"{\"port\": 53, \"protocols\": [\"UDP\"]}",
         "{\"protocol\": \"tcp\", \"from_port\": 53, \"to_port\": 53}", TV_FALSE},
        {"{\"port\": 8, \"protocols\": [\"icmp\"]}",
         "{\"protocol\": \"icmp\", \"from_port\": 8, \"to_port\": 0}", TV_TRUE},
        {"{\"port\": 8, \"protocols\": [\"icmp\"]}",
         "{\"protocol\": \"icmp\", \"from_port\": -1, \"to_port\": -1}", TV_TRUE},
        {"{\"port\": 8, \"protocols\": [\"icmp\"]}",
         "{\"protocol\": \"icmp\", \"from_port\": 0, \"to_port\": 0}", TV_FALSE},
        {"{\"port\": 128, \"protocols\": [\"icmpv6\"]}",
         "{\"protocol\": \"58\", \"from_port\": 128, \"to_port\": 0}", TV_TRUE},
        /* All traffic, whatever the ports are. */
        {"{\"port\": 22}", "{\"protocol\": \"-1\", \"from_port\": 0, \"to_port\": 0}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": -1}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": \"all\", \"from_port\": 80, \"to_port\": 80}", TV_TRUE},
        {"{\"port\": 22, \"protocols\": [\"icmp\"]}", "{\"protocol\": \"ALL\"}", TV_TRUE},
        /* A protocol no condition lists, such as ESP. */
        {"{\"port\": 22}", "{\"protocol\": \"50\", \"from_port\": 0, \"to_port\": 0}", TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_rule(cases[i].params, cases[i].rule, &out);
        expect_tv(&out, cases[i].expected, cases[i].rule);
        result_free(&out);
    }
}
END_TEST

START_TEST(port_open_ranges)
{
    static const struct {
        long port;
        const char *rule;
        tv expected;
    } cases[] = {
        {65535, "{\"protocol\": \"tcp\", \"from_port\": 0, \"to_port\": 65535}", TV_TRUE},
        {0, "{\"protocol\": \"tcp\", \"from_port\": 0, \"to_port\": 65535}", TV_TRUE},
        {0, "{\"protocol\": \"tcp\", \"from_port\": 0, \"to_port\": 0}", TV_TRUE},
        {65535, "{\"protocol\": \"tcp\", \"from_port\": 1, \"to_port\": 65534}", TV_FALSE},
        {0, "{\"protocol\": \"tcp\", \"from_port\": 1, \"to_port\": 65534}", TV_FALSE},
        {79, "{\"protocol\": \"tcp\", \"from_port\": 79, \"to_port\": 81}", TV_TRUE},
        {81, "{\"protocol\": \"tcp\", \"from_port\": 79, \"to_port\": 81}", TV_TRUE},
        {78, "{\"protocol\": \"tcp\", \"from_port\": 79, \"to_port\": 81}", TV_FALSE},
        /* AWS rejects from_port above to_port, so such a range contains no port. */
        {22, "{\"protocol\": \"tcp\", \"from_port\": 25, \"to_port\": 20}", TV_FALSE},
        /* -1 or no ports at all means every port. */
        {22, "{\"protocol\": \"tcp\", \"from_port\": -1, \"to_port\": -1}", TV_TRUE},
        {22, "{\"protocol\": \"tcp\", \"from_port\": 80, \"to_port\": -1}", TV_TRUE},
        {22, "{\"protocol\": \"tcp\"}", TV_TRUE},
        {22, "{\"protocol\": \"tcp\", \"from_port\": null, \"to_port\": null}", TV_TRUE},
        /* A missing to_port is from_port. */
        {22, "{\"protocol\": \"tcp\", \"from_port\": 22}", TV_TRUE},
        {23, "{\"protocol\": \"tcp\", \"from_port\": 22}", TV_FALSE},
        {22, "{\"protocol\": \"tcp\", \"to_port\": 22}", TV_TRUE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char params[64];
        snprintf(params, sizeof(params), "{\"port\": %ld}", cases[i].port);
        eval_result out;
        result_init(&out);
        eval_rule(params, cases[i].rule, &out);
        expect_tv(&out, cases[i].expected, cases[i].rule);
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_rule("{\"port\": 443}", "{\"protocol\": \"tcp\", \"from_port\": 442, \"to_port\": 444}",
              &out);
    ck_assert_str_eq(sb_str(&out.path), "ingress[0]");
    ck_assert_str_eq(sb_str(&out.note), "tcp ports 442-444 include port 443");
    eval_rule("{\"port\": 80}", "{\"protocol\": \"tcp\", \"from_port\": 442, \"to_port\": 444}",
              &out);
    ck_assert_str_eq(sb_str(&out.note), "tcp ports 442-444 do not include port 80");
    result_free(&out);
}
END_TEST

START_TEST(port_open_unknown_and_invalid)
{
    eval_result out;
    result_init(&out);

    static const char *const protocol[] = {"ingress[0].protocol", NULL};
    soc2_resource *r = group_resource(json_pack("[{s:n, s:i, s:i}]", "protocol", "from_port",
                                                443, "to_port", 443),
                                      protocol, NULL);
    run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown protocol");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].protocol");
    resource_free(r);

    static const char *const to_port[] = {"ingress[0].to_port", NULL};
    r = group_resource(json_pack("[{s:s, s:i, s:n}]", "protocol", "tcp", "from_port", 20,
                                 "to_port"),
                       to_port, NULL);
    run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown to_port");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].to_port");
    resource_free(r);

    static const char *const rule[] = {"ingress[0]", NULL};
    r = group_resource(json_pack("[n]"), rule, NULL);
    run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown rule");
    resource_free(r);

    r = group_resource(json_array(), NULL, NULL);
    run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
    expect_tv(&out, TV_FALSE, "missing rule");
    resource_free(r);

    static const struct {
        const char *rule;
        const char *path;
    } invalid[] = {
        {"{\"from_port\": 22, \"to_port\": 22}", "ingress[0]"},
        {"{\"protocol\": \"tcp\", \"from_port\": \"ssh\", \"to_port\": 22}", "ingress[0].from_port"},
        {"{\"protocol\": \"tcp\", \"from_port\": 22.5, \"to_port\": 22}", "ingress[0].from_port"},
        {"{\"protocol\": \"gre\", \"from_port\": 22, \"to_port\": 22}", "ingress[0].protocol"},
        {"{\"protocol\": true}", "ingress[0].protocol"},
        {"\"tcp/22\"", "ingress[0]"},
    };
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        eval_rule("{\"port\": 22}", invalid[i].rule, &out);
        expect_tv(&out, TV_ERROR, invalid[i].rule);
        ck_assert_str_eq(sb_str(&out.path), invalid[i].path);
        ck_assert_msg(strncmp(sb_str(&out.note), invalid[i].path, strlen(invalid[i].path)) == 0,
                      "%s", sb_str(&out.note));
    }
    result_free(&out);
}
END_TEST

START_TEST(port_open_compile_errors)
{
    static const struct {
        const char *spec;
        const char *member;
    } cases[] = {
        {"{}", "\"port\""},
        {"{\"port\": \"22\"}", "\"port\""},
        {"{\"port\": 22.0}", "\"port\""},
        {"{\"port\": -1}", "\"port\""},
        {"{\"port\": 65536}", "\"port\""},
        {"{\"port\": 22, \"protocols\": \"tcp\"}", "\"protocols\""},
        {"{\"port\": 22, \"protocols\": []}", "\"protocols\""},
        {"{\"port\": 22, \"protocols\": [\"tcp\", \"sctp\"]}", "\"protocols\"[1]"},
        {"{\"port\": 22, \"protocols\": [6]}", "\"protocols\"[0]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *spec = json_loads(cases[i].spec, 0, NULL);
        void *state = NULL;
        strbuf error = STRBUF_INIT;
        ck_assert_msg(op_port_open.compile(&state, spec, &error) == -1, "accepted %s",
                      cases[i].spec);
        ck_assert_msg(strstr(sb_str(&error), cases[i].member) != NULL, "%s: %s", cases[i].spec,
                      sb_str(&error));
        sb_free(&error);
        json_decref(spec);
    }
    ck_assert_str_eq(op_port_open.params[0], "port");
    ck_assert_str_eq(op_port_open.params[1], "protocols");
    ck_assert_ptr_null(op_port_open.params[2]);
    ck_assert_ptr_null(op_cidr_anywhere.params[0]);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("ops_net");

    TCase *fixtures = tcase_create("fixtures");
    tcase_add_checked_fixture(fixtures, setup, teardown);
    tcase_add_test(fixtures, ipv6_groups_cfn_nag);
    tcase_add_test(fixtures, all_traffic_load_balancer_group);
    tcase_add_test(fixtures, ingress_ranges_regula_plans);
    suite_add_tcase(s, fixtures);

    TCase *cases = tcase_create("cases");
    tcase_add_checked_fixture(cases, setup, teardown);
    tcase_add_test(cases, cidr_anywhere_spellings);
    tcase_add_test(cases, cidr_anywhere_deciding_element);
    tcase_add_test(cases, cidr_anywhere_unknown_blocks);
    tcase_add_test(cases, cidr_anywhere_wrong_types);
    tcase_add_test(cases, cidr_anywhere_malformed_blocks);
    tcase_add_test(cases, cidr_anywhere_malformed_quoting);
    tcase_add_test(cases, cidr_anywhere_union);
    tcase_add_test(cases, open_to_anywhere_across_rules);
    tcase_add_test(cases, open_to_anywhere_unknown_parts);
    tcase_add_test(cases, open_to_anywhere_invalid);
    tcase_add_test(cases, port_open_protocols);
    tcase_add_test(cases, port_open_ranges);
    tcase_add_test(cases, port_open_unknown_and_invalid);
    tcase_add_test(cases, port_open_compile_errors);
    suite_add_tcase(s, cases);
    return s;
}
