/* Reading a YAML document into the JSON tree the adapters read, with the
 * line and column of every value. libyaml's event parser drives a builder
 * that keeps the containers still open on a stack, so that nesting costs no
 * C recursion.
 *
 * Scalars are typed by the YAML 1.2 core schema: plain true, false, null,
 * ~, integers and floats become JSON values, and every other scalar, and
 * every quoted or block scalar, is a string. Unlike YAML 1.1, plain yes, no,
 * on and off stay strings, and 2010-09-09 is a string, not a timestamp.
 *
 * CloudFormation writes intrinsic functions as local tags: !Ref x becomes
 * {"Ref": "x"}, !Condition x becomes {"Condition": "x"}, !GetAtt a.b becomes
 * {"Fn::GetAtt": ["a", "b"]}, and any other !Name becomes {"Fn::Name": ...}. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "loader.h"
#include "yaml_scalar.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/jsonpos.h"
#include "../util/strbuf.h"

/* Deepest nesting of JSON containers, tag wrappers included: the limit
 * jansson applies to JSON documents. */
#define YAML_MAX_DEPTH JSON_PARSER_MAX_DEPTH

/* Maximum number of nodes that aliases may add to a document in all. An
 * alias copies the whole node its anchor names, so nested aliases (the
 * "billion laughs" document) would otherwise grow a few hundred bytes of
 * text exponentially. Text without aliases is bounded by the input size
 * limit instead. */
#define YAML_MAX_ALIAS_NODES 100000

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* Maximum bytes of a key or tag that a message shows. */
#define QUOTED_MAX 64

/* A position recorded while an anchored node is open, so that an alias can
 * record the positions of its copy. */
typedef struct logged_position {
    char *pointer;
    int line;
    int column;
} logged_position;

/* A completed anchored node. */
typedef struct anchor {
    json_t *value;         /* owned */
    size_t nodes;          /* JSON values in it */
    size_t height;         /* JSON nesting in it: 0 for a scalar */
    size_t log_start;      /* its positions: log[log_start, log_end) */
    size_t log_end;
    size_t pointer_length; /* length of the pointer where it was defined */
} anchor;

/* A sequence or mapping whose end event has not come yet. */
typedef struct open_node {
    json_t *container;     /* borrowed: the parent or the wrapper owns it */
    int is_mapping;
    size_t pointer_length; /* length of the container's pointer */
    size_t depth;          /* JSON nesting of the container, from 1 at the root */
    size_t height;         /* largest height of a child so far */
    int wrapped;           /* the container is inside a tag wrapper */
    json_t *node;          /* borrowed: the wrapper, or the container */
    char *key;             /* a mapping key awaiting its value, or NULL */
    size_t key_length;
    yaml_mark_t key_mark;  /* where that key starts */
    /* Set when the node has an anchor. */
    char *anchor;
    size_t nodes_before;
    size_t log_start;
    size_t anchor_pointer_length;
} open_node;

typedef struct reader {
    const char *name;
    const char *text;
    size_t length;
    yaml_parser_t parser;
    json_t *root;
    strmap *positions;
    strbuf pointer;
    open_node *open;
    size_t open_count, open_cap;
    strmap anchors;
    logged_position *log;
    size_t log_count, log_cap;
    size_t open_anchors;
    size_t nodes;
    size_t alias_nodes;
    int documents;
} reader;

/* Messages. */

/* Appends `text` in double quotes, with control characters escaped and cut
 * after QUOTED_MAX bytes. */
static void append_quoted(strbuf *out, const char *text, size_t length)
{
    size_t shown_length = length;
    if (shown_length > QUOTED_MAX) {
        shown_length = QUOTED_MAX;
        /* Do not cut a UTF-8 sequence: back up over continuation bytes. */
        while (shown_length > 0 && ((unsigned char)text[shown_length] & 0xC0) == 0x80)
            shown_length--;
    }
    sb_putc(out, '"');
    for (size_t i = 0; i < shown_length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\')
            sb_printf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            sb_printf(out, "\\u%04x", c);
        else
            sb_putc(out, (char)c);
    }
    sb_puts(out, shown_length < length ? "\u2026\"" : "\"");
}

/* Appends a tag, quoted, as the text wrote it: "!!str" for the standard
 * tags. */
static void append_tag(strbuf *out, const char *tag)
{
    strbuf tag_text = STRBUF_INIT;
    size_t prefix = strlen(YAML_TAG_PREFIX);
    if (strncmp(tag, YAML_TAG_PREFIX, prefix) == 0) {
        sb_puts(&tag_text, "!!");
        tag += prefix;
    }
    sb_puts(&tag_text, tag);
    if (tag_text.failed)
        out->failed = 1;
    else
        append_quoted(out, sb_str(&tag_text), tag_text.len);
    sb_free(&tag_text);
}

/* Records an error at `mark` and returns `code`. The pointer is that of the
 * node being read when `with_pointer` is set. */
static int fail_at(reader *r, int code, const yaml_mark_t *mark, int with_pointer,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail_at(reader *r, int code, const yaml_mark_t *mark, int with_pointer,
                   const char *fmt, ...)
{
    strbuf message = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);
    if (message.failed) {
        sb_free(&message);
        return error_nomem();
    }
    error_set_input(code, r->name, (int)mark->line + 1, (int)mark->column + 1,
                    with_pointer ? sb_str(&r->pointer) : NULL, "%s", sb_str(&message));
    sb_free(&message);
    return code;
}

/* Turns libyaml's error into SOC2_EPARSE with its line and column. */
static int fail_parser(reader *r)
{
    const yaml_parser_t *p = &r->parser;
    if (p->error == YAML_MEMORY_ERROR)
        return error_nomem();

    yaml_mark_t mark = p->problem_mark;
    if (p->error == YAML_READER_ERROR) {
        /* A reader error gives a byte offset, not a mark. */
        mark.line = 0;
        mark.column = 0;
        for (size_t i = 0; i < p->problem_offset && i < r->length; i++) {
            if (r->text[i] == '\n') {
                mark.line++;
                mark.column = 0;
            } else if (((unsigned char)r->text[i] & 0xC0) != 0x80) {
                mark.column++;
            }
        }
    }
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->context)
        return fail_at(r, SOC2_EPARSE, &mark, 0,
                       "malformed YAML: %s %s started at line %zu, column %zu", problem,
                       p->context, p->context_mark.line + 1, p->context_mark.column + 1);
    return fail_at(r, SOC2_EPARSE, &mark, 0, "malformed YAML: %s", problem);
}

/* Positions. */

static int record_position(reader *r, const yaml_mark_t *mark)
{
    if (r->pointer.failed)
        return error_nomem();
    pos_entry *entry = malloc(sizeof(*entry));
    strmap_entry *slot =
        entry ? strmap_upsert(r->positions, sb_str(&r->pointer), r->pointer.len) : NULL;
    if (!slot) {
        free(entry);
        return error_nomem();
    }
    /* A key containing a NUL byte is cut there, so two pointers can be equal. */
    free(slot->value);
    entry->line = (int)mark->line + 1;
    entry->column = (int)mark->column + 1;
    slot->value = entry;

    if (r->open_anchors) {
        logged_position logged = {strdup(sb_str(&r->pointer)), entry->line, entry->column};
        if (!logged.pointer || ARRAY_PUSH(r->log, r->log_count, r->log_cap, logged) < 0) {
            free(logged.pointer);
            return error_nomem();
        }
    }
    return SOC2_OK;
}

/* Tags. */

/* What a tag makes of a node: a plain value, or a CloudFormation function
 * wrapping it. */
typedef struct tag_meaning {
    scalar_kind kind;
    char function[72]; /* "Ref", "Condition" or "Fn::Name"; empty for none */
} tag_meaning;

/* Reads a node's tag. `node` is "scalar", "sequence" or "mapping". Returns
 * SOC2_OK, or SOC2_EPARSE for a tag that libsoc2 does not read. */
static int read_tag(reader *r, const char *tag, const char *node, const yaml_mark_t *mark,
                    tag_meaning *out)
{
    out->function[0] = '\0';
    if (!tag)
        return SOC2_OK;
    /* The non-specific tag "!" makes a scalar a string. */
    if (strcmp(tag, "!") == 0) {
        out->kind = KIND_STRING;
        return SOC2_OK;
    }

    if (yaml_tag_is_function(tag)) {
        const char *name = tag + 1;
        if (strcmp(name, "Ref") == 0 || strcmp(name, "Condition") == 0)
            snprintf(out->function, sizeof(out->function), "%s", name);
        else
            snprintf(out->function, sizeof(out->function), "Fn::%s", name);
        out->kind = KIND_STRING;
        return SOC2_OK;
    }

    static const struct {
        const char *name;
        const char *node;
        scalar_kind kind;
    } standard[] = {
        {"str", "scalar", KIND_STRING}, {"null", "scalar", KIND_NULL},
        {"bool", "scalar", KIND_BOOL},  {"int", "scalar", KIND_INT},
        {"float", "scalar", KIND_FLOAT}, {"seq", "sequence", KIND_ANY},
        {"map", "mapping", KIND_ANY},
    };
    size_t prefix = strlen(YAML_TAG_PREFIX);
    for (size_t i = 0; i < sizeof(standard) / sizeof(standard[0]); i++) {
        if (strncmp(tag, YAML_TAG_PREFIX, prefix) != 0 || strcmp(tag + prefix, standard[i].name))
            continue;
        if (strcmp(node, standard[i].node) != 0)
            break;
        out->kind = standard[i].kind;
        return SOC2_OK;
    }

    strbuf quoted_tag = STRBUF_INIT;
    append_tag(&quoted_tag, tag);
    int rc = quoted_tag.failed
                 ? error_nomem()
                 : fail_at(r, SOC2_EPARSE, mark, 1,
                           "the YAML tag %s on a %s is not supported; use a CloudFormation "
                           "function tag such as !Ref or !Sub, or one of !!str, !!int, "
                           "!!float, !!bool, !!null, !!seq, !!map",
                           sb_str(&quoted_tag), node);
    sb_free(&quoted_tag);
    return rc;
}

/* Building the tree. */

static open_node *top(reader *r)
{
    return r->open_count ? &r->open[r->open_count - 1] : NULL;
}

/* Sets the pointer to that of the next value: its parent's pointer and its
 * key or index. */
static void point_at_next_value(reader *r)
{
    open_node *parent = top(r);
    if (!parent) {
        sb_truncate(&r->pointer, 0);
        return;
    }
    sb_truncate(&r->pointer, parent->pointer_length);
    if (parent->is_mapping)
        json_pointer_append(&r->pointer, parent->key);
    else
        json_pointer_append_index(&r->pointer, json_array_size(parent->container));
}

/* Stores `value` (a new reference, consumed) as the next value of the open
 * container, or as the root. */
static int attach(reader *r, json_t *value)
{
    open_node *parent = top(r);
    int failed;
    if (!parent) {
        r->root = value;
        return SOC2_OK;
    }
    if (parent->is_mapping) {
        failed = json_object_setn_new(parent->container, parent->key, parent->key_length,
                                      value) < 0;
        free(parent->key);
        parent->key = NULL;
    } else {
        failed = json_array_append_new(parent->container, value) < 0;
    }
    return failed ? error_nomem() : SOC2_OK;
}

/* Counts a completed child of `height` in the height of its container. */
static void add_height(reader *r, size_t height)
{
    open_node *parent = top(r);
    if (parent && height > parent->height)
        parent->height = height;
}

/* Checks that a value of `height` fits at the next place. */
static int check_depth(reader *r, size_t height, const yaml_mark_t *mark)
{
    open_node *parent = top(r);
    size_t depth = (parent ? parent->depth : 0) + height;
    if (depth > YAML_MAX_DEPTH)
        return fail_at(r, SOC2_ELIMIT, mark, 0, "YAML nesting deeper than %d levels",
                       YAML_MAX_DEPTH);
    return SOC2_OK;
}

/* Wraps the value about to be made in {function: ...} when it has a
 * function tag: attaches the wrapper, records the position of the value
 * inside it and sets *wrapper to the borrowed wrapper. */
static int open_wrapper(reader *r, const tag_meaning *tag, const yaml_mark_t *mark,
                        json_t **wrapper)
{
    *wrapper = NULL;
    if (!tag->function[0])
        return SOC2_OK;
    json_t *object = json_object();
    if (!object)
        return error_nomem();
    int rc = attach(r, object);
    if (rc != SOC2_OK)
        return rc;
    *wrapper = object;
    r->nodes++;
    json_pointer_append(&r->pointer, tag->function);
    return record_position(r, mark);
}

static int put_in_wrapper(json_t *wrapper, const char *function, json_t *value)
{
    return json_object_set_new(wrapper, function, value) < 0 ? error_nomem() : SOC2_OK;
}

/* Anchors. */

static void free_anchor(anchor *a)
{
    if (a) {
        json_decref(a->value);
        free(a);
    }
}

static void free_anchor_entry(const char *key, void *value, void *ctx)
{
    (void)key;
    (void)ctx;
    free_anchor(value);
}

/* Registers a completed anchored node under `name`. A later anchor of the
 * same name replaces an earlier one, as YAML specifies. */
static int define_anchor(reader *r, const char *name, json_t *value, size_t nodes,
                         size_t height, size_t log_start, size_t pointer_length)
{
    anchor *a = malloc(sizeof(*a));
    strmap_entry *slot = a ? strmap_upsert(&r->anchors, name, strlen(name)) : NULL;
    if (!slot) {
        free(a);
        return error_nomem();
    }
    free_anchor(slot->value);
    a->value = json_incref(value);
    a->nodes = nodes;
    a->height = height;
    a->log_start = log_start;
    a->log_end = r->log_count;
    a->pointer_length = pointer_length;
    slot->value = a;
    return SOC2_OK;
}

/* Keys. */

/* Takes a scalar as the key awaited by the open mapping. */
static int take_key(reader *r, const char *text, size_t length, const yaml_mark_t *mark)
{
    open_node *mapping = top(r);
    if (json_object_getn(mapping->container, text, length)) {
        sb_truncate(&r->pointer, mapping->pointer_length);
        json_pointer_append(&r->pointer, text);
        strbuf quoted = STRBUF_INIT;
        append_quoted(&quoted, text, length);
        int rc = quoted.failed ? error_nomem()
                               : fail_at(r, SOC2_EPARSE, mark, 1,
                                         "duplicate key %s in a YAML mapping", sb_str(&quoted));
        sb_free(&quoted);
        return rc;
    }
    mapping->key = malloc(length + 1);
    if (!mapping->key)
        return error_nomem();
    memcpy(mapping->key, text, length);
    mapping->key[length] = '\0';
    mapping->key_length = length;
    mapping->key_mark = *mark;
    return SOC2_OK;
}

static int scalar_key(reader *r, const yaml_event_t *event)
{
    const char *text = (const char *)event->data.scalar.value;
    size_t length = event->data.scalar.length;
    const char *tag = (const char *)event->data.scalar.tag;
    const yaml_mark_t *mark = &event->start_mark;

    if (tag && strcmp(tag, "!") != 0 && strcmp(tag, YAML_TAG_PREFIX "str") != 0) {
        strbuf quoted_tag = STRBUF_INIT;
        append_tag(&quoted_tag, tag);
        int rc = quoted_tag.failed
                     ? error_nomem()
                     : fail_at(r, SOC2_EPARSE, mark, 0,
                               "a mapping key cannot have the tag %s; keys are strings",
                               sb_str(&quoted_tag));
        sb_free(&quoted_tag);
        return rc;
    }
    /* NOTE: merge keys are rejected rather than merged, because
     * CloudFormation does not accept them either. */
    if (event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag && length == 2 &&
        memcmp(text, "<<", 2) == 0)
        return fail_at(r, SOC2_EPARSE, mark, 0,
                       "YAML merge keys (<<) are not supported, as in CloudFormation; write "
                       "the keys out, or quote \"<<\" for a key of that name");

    int rc = take_key(r, text, length, mark);
    if (rc == SOC2_OK && event->data.scalar.anchor) {
        json_t *value = json_stringn(text, length);
        rc = value ? define_anchor(r, (const char *)event->data.scalar.anchor, value, 1, 0,
                                   r->log_count, 0)
                   : error_nomem();
        json_decref(value);
    }
    return rc;
}

/* Events. */

/* Marks the start of an anchored node: positions are logged from here. */
static void begin_anchor(reader *r, open_node *node)
{
    r->open_anchors++;
    node->nodes_before = r->nodes;
    node->log_start = r->log_count;
    node->anchor_pointer_length = r->pointer.len;
}

/* Makes the value of a scalar node as its tag requests. Sets *value to NULL,
 * with the error recorded, when the text does not fit the tag. */
static int typed_scalar(reader *r, const yaml_event_t *event, const tag_meaning *tag,
                        json_t **value)
{
    const char *text = (const char *)event->data.scalar.value;
    size_t length = event->data.scalar.length;
    scalar_kind kind = tag->kind;
    if (event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE && kind == KIND_ANY)
        kind = KIND_STRING;

    int rc = yaml_scalar_to_json(text, length, kind, value);
    if (rc != SOC2_OK || *value)
        return rc;
    strbuf description = STRBUF_INIT;
    append_tag(&description, (const char *)event->data.scalar.tag);
    sb_puts(&description, " value ");
    append_quoted(&description, text, length);
    rc = description.failed ? error_nomem()
                            : fail_at(r, SOC2_EPARSE, &event->start_mark, 1, "invalid %s",
                                      sb_str(&description));
    sb_free(&description);
    return rc;
}

/* Splits the text of !GetAtt Name.Attribute into ["Name", "Attribute"],
 * recording the position of both parts. The first dot ends the logical ID,
 * and the attribute name may contain dots (Endpoint.Address). */
static int split_get_att(reader *r, json_t **value, const char *dot, const yaml_mark_t *mark)
{
    const char *text = json_string_value(*value);
    size_t length = json_string_length(*value);
    json_t *parts = json_pack("[s#s#]", text, (int)(dot - text), dot + 1,
                              (int)(length - (size_t)(dot - text) - 1));
    json_decref(*value);
    *value = parts;
    if (!parts)
        return error_nomem();

    size_t base = r->pointer.len;
    int rc = SOC2_OK;
    for (size_t i = 0; i < 2 && rc == SOC2_OK; i++) {
        sb_truncate(&r->pointer, base);
        json_pointer_append_index(&r->pointer, i);
        rc = record_position(r, mark);
    }
    sb_truncate(&r->pointer, base);
    r->nodes += 2;
    return rc;
}

static int on_scalar(reader *r, const yaml_event_t *event)
{
    open_node *parent = top(r);
    if (parent && parent->is_mapping && !parent->key)
        return scalar_key(r, event);

    const yaml_mark_t *mark = &event->start_mark;
    const char *anchor_name = (const char *)event->data.scalar.anchor;
    point_at_next_value(r);

    tag_meaning tag = {KIND_ANY, ""};
    json_t *value = NULL;
    int rc = read_tag(r, (const char *)event->data.scalar.tag, "scalar", mark, &tag);
    if (rc == SOC2_OK)
        rc = typed_scalar(r, event, &tag, &value);
    if (rc != SOC2_OK)
        return rc;

    const char *dot = NULL;
    if (strcmp(tag.function, "Fn::GetAtt") == 0)
        dot = memchr(json_string_value(value), '.', json_string_length(value));
    size_t height = (tag.function[0] ? 1 : 0) + (dot ? 1 : 0);
    rc = check_depth(r, height, mark);

    open_node anchored = {0};
    if (anchor_name)
        begin_anchor(r, &anchored);
    json_t *wrapper = NULL;
    if (rc == SOC2_OK)
        rc = record_position(r, mark);
    if (rc == SOC2_OK)
        rc = open_wrapper(r, &tag, mark, &wrapper);
    if (rc == SOC2_OK && dot)
        rc = split_get_att(r, &value, dot, mark);
    if (rc == SOC2_OK) {
        r->nodes++;
        rc = wrapper ? put_in_wrapper(wrapper, tag.function, json_incref(value))
                     : attach(r, json_incref(value));
    }
    if (rc == SOC2_OK) {
        add_height(r, height);
        if (anchor_name) {
            r->open_anchors--;
            rc = define_anchor(r, anchor_name, wrapper ? wrapper : value,
                               r->nodes - anchored.nodes_before, height, anchored.log_start,
                               anchored.anchor_pointer_length);
        }
    }
    json_decref(value);
    return rc;
}

/* Copies the positions logged for anchor `a` to the copy an alias made at
 * the current pointer. */
static int copy_positions(reader *r, const anchor *a, const yaml_mark_t *mark)
{
    int rc = record_position(r, mark);
    size_t base = r->pointer.len;
    for (size_t i = a->log_start; i < a->log_end && rc == SOC2_OK; i++) {
        /* r->log may move while positions are recorded: index it afresh. */
        const char *suffix = r->log[i].pointer + a->pointer_length;
        if (!*suffix)
            continue;
        yaml_mark_t logged = {0, (size_t)r->log[i].line - 1, (size_t)r->log[i].column - 1};
        sb_truncate(&r->pointer, base);
        sb_puts(&r->pointer, suffix);
        rc = record_position(r, &logged);
    }
    sb_truncate(&r->pointer, base);
    return rc;
}

static int on_alias(reader *r, const yaml_event_t *event)
{
    const char *name = (const char *)event->data.alias.anchor;
    const yaml_mark_t *mark = &event->start_mark;
    const anchor *a = strmap_get(&r->anchors, name);
    open_node *parent = top(r);
    int is_key = parent && parent->is_mapping && !parent->key;
    if (!is_key)
        point_at_next_value(r);
    /* Anchor names hold no spaces or control characters, so they need no
     * quoting in a message. */
    if (!a)
        return fail_at(r, SOC2_EPARSE, mark, 0,
                       "the alias *%s names no anchor completed before it", name);

    if (is_key) {
        if (!json_is_string(a->value))
            return fail_at(r, SOC2_EPARSE, mark, 0,
                           "an alias used as a mapping key must name a string");
        return take_key(r, json_string_value(a->value), json_string_length(a->value), mark);
    }

    if (a->nodes > YAML_MAX_ALIAS_NODES - r->alias_nodes)
        return fail_at(r, SOC2_ELIMIT, mark, 0,
                       "YAML aliases would add more than %d nodes to the document; is it an "
                       "alias bomb?",
                       YAML_MAX_ALIAS_NODES);
    int rc = check_depth(r, a->height, mark);
    if (rc != SOC2_OK)
        return rc;

    json_t *copy = json_deep_copy(a->value);
    if (!copy)
        return error_nomem();
    rc = attach(r, copy);
    if (rc == SOC2_OK)
        rc = copy_positions(r, a, mark);
    r->nodes += a->nodes;
    r->alias_nodes += a->nodes;
    add_height(r, a->height);
    return rc;
}

static int on_start(reader *r, const yaml_event_t *event, int is_mapping)
{
    const char *node = is_mapping ? "mapping" : "sequence";
    const yaml_mark_t *mark = &event->start_mark;
    open_node *parent = top(r);
    if (parent && parent->is_mapping && !parent->key)
        return fail_at(r, SOC2_EPARSE, mark, 0,
                       "a mapping key must be a scalar, not a %s", node);
    point_at_next_value(r);

    const char *tag_text = (const char *)(is_mapping ? event->data.mapping_start.tag
                                                     : event->data.sequence_start.tag);
    const char *anchor_name = (const char *)(is_mapping ? event->data.mapping_start.anchor
                                                        : event->data.sequence_start.anchor);
    tag_meaning tag = {KIND_ANY, ""};
    int rc = read_tag(r, tag_text, node, mark, &tag);
    if (rc == SOC2_OK)
        rc = check_depth(r, tag.function[0] ? 2 : 1, mark);
    if (rc != SOC2_OK)
        return rc;

    open_node opened = {0};
    opened.is_mapping = is_mapping;
    opened.depth = (parent ? parent->depth : 0) + (tag.function[0] ? 2 : 1);
    opened.wrapped = tag.function[0] != '\0';
    if (anchor_name) {
        opened.anchor = strdup(anchor_name);
        if (!opened.anchor)
            return error_nomem();
        begin_anchor(r, &opened);
    }

    /* A block collection starts on the line below its key; a reader looks
     * for it at the key, so that is its position. */
    const yaml_mark_t *position = parent && parent->is_mapping ? &parent->key_mark : mark;
    json_t *wrapper = NULL;
    json_t *container = is_mapping ? json_object() : json_array();
    rc = container ? record_position(r, position) : error_nomem();
    if (rc == SOC2_OK)
        rc = open_wrapper(r, &tag, mark, &wrapper);
    if (rc == SOC2_OK) {
        r->nodes++;
        rc = wrapper ? put_in_wrapper(wrapper, tag.function, json_incref(container))
                     : attach(r, json_incref(container));
    }
    opened.container = container;
    opened.node = wrapper ? wrapper : container;
    opened.pointer_length = r->pointer.len;
    if (rc == SOC2_OK && ARRAY_PUSH(r->open, r->open_count, r->open_cap, opened) < 0)
        rc = error_nomem();
    /* The parent or the wrapper owns the container now. */
    json_decref(container);
    if (rc != SOC2_OK) {
        if (anchor_name)
            r->open_anchors--;
        free(opened.anchor);
    }
    return rc;
}

static int on_end(reader *r)
{
    open_node closed = r->open[--r->open_count];
    size_t height = closed.height + 1 + (closed.wrapped ? 1 : 0);
    add_height(r, height);
    free(closed.key);
    if (!closed.anchor)
        return SOC2_OK;

    r->open_anchors--;
    int rc = define_anchor(r, closed.anchor, closed.node, r->nodes - closed.nodes_before, height,
                           closed.log_start, closed.anchor_pointer_length);
    free(closed.anchor);
    return rc;
}

static int on_event(reader *r, const yaml_event_t *event)
{
    switch (event->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (r->documents++ > 0)
            return fail_at(r, SOC2_EPARSE, &event->start_mark, 0,
                           "the YAML stream contains more than one document; a template "
                           "is one document");
        return SOC2_OK;
    case YAML_STREAM_END_EVENT:
        if (r->documents == 0)
            return fail_at(r, SOC2_EPARSE, &event->start_mark, 0,
                           "the YAML stream contains no document");
        return SOC2_OK;
    case YAML_SCALAR_EVENT:
        return on_scalar(r, event);
    case YAML_ALIAS_EVENT:
        return on_alias(r, event);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(r, event, 0);
    case YAML_MAPPING_START_EVENT:
        return on_start(r, event, 1);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(r);
    default:
        return SOC2_OK;
    }
}

static void reader_release(reader *r)
{
    for (size_t i = 0; i < r->open_count; i++) {
        free(r->open[i].key);
        free(r->open[i].anchor);
    }
    free(r->open);
    for (size_t i = 0; i < r->log_count; i++)
        free(r->log[i].pointer);
    free(r->log);
    strmap_foreach(&r->anchors, free_anchor_entry, NULL);
    strmap_free(&r->anchors);
    sb_free(&r->pointer);
    yaml_parser_delete(&r->parser);
}

/* Progress reports come once per this many bytes read. */
#define PROGRESS_STEP ((size_t)1 << 20)

/* Reports the bytes libyaml has read, once per PROGRESS_STEP. Returns
 * SOC2_OK, or SOC2_EUSER when the callback cancels. */
static int report_progress(reader *r, const yaml_progress *progress, size_t *reported, int last)
{
    if (!progress || !progress->callback)
        return SOC2_OK;
    size_t offset = last ? r->length : r->parser.mark.index;
    if (!last && offset - *reported < PROGRESS_STEP)
        return SOC2_OK;
    *reported = offset;
    if (progress->callback(SOC2_PROGRESS_PARSE, offset, r->length, progress->payload) != 0)
        return error_set_input(SOC2_EUSER, r->name, 0, 0, NULL,
                               "the load was cancelled by the progress callback");
    return SOC2_OK;
}

int yaml_to_json(const char *name, const char *text, size_t length,
                 const yaml_progress *progress, json_t **out, strmap **positions)
{
    *out = NULL;
    *positions = NULL;

    reader r = {0};
    r.name = name;
    r.text = text;
    r.length = length;
    strmap_init(&r.anchors);
    r.positions = malloc(sizeof(*r.positions));
    if (!r.positions || !yaml_parser_initialize(&r.parser)) {
        free(r.positions);
        return error_nomem();
    }
    strmap_init(r.positions);
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, length);

    int rc = SOC2_OK;
    size_t reported = 0;
    for (int done = 0; !done && rc == SOC2_OK;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&r.parser, &event)) {
            rc = fail_parser(&r);
            break;
        }
        rc = on_event(&r, &event);
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (rc == SOC2_OK)
            rc = report_progress(&r, progress, &reported, done);
    }

    reader_release(&r);
    if (rc != SOC2_OK) {
        json_decref(r.root);
        positions_free(r.positions);
        return rc;
    }
    *out = r.root;
    *positions = r.positions;
    return SOC2_OK;
}
