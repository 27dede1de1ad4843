/* The loading front end: reads a document, parses it once with jansson,
 * detects its format, runs the adapter and commits the result. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <soc2/snapshot.h>

#include "loader.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/file.h"
#include "../util/jsonpos.h"
#include "../util/strbuf.h"

static const struct {
    soc2_format format;
    int (*detect)(const json_t *root);
    adapter_load_fn load;
} adapters[] = {
    {SOC2_FORMAT_TERRAFORM_PLAN, tfplan_detect, tfplan_load},
    {SOC2_FORMAT_CLOUDFORMATION, cfn_detect, cfn_load},
    {SOC2_FORMAT_TERRAFORM_STATE, tfstate_detect, tfstate_load},
    {SOC2_FORMAT_AWS_CONFIG, awsconfig_detect, awsconfig_load},
    {SOC2_FORMAT_NATIVE, native_detect, native_load},
};

#define ADAPTER_COUNT (sizeof(adapters) / sizeof(adapters[0]))

soc2_resource *loader_add_resource(soc2_loader *l, const char *address, const char *type,
                                   const char *source_type, json_t *attrs, json_t *unknown)
{
    if (loader_find(l, address)) {
        json_decref(attrs);
        json_decref(unknown);
        loader_fail(l, SOC2_EFORMAT, NULL, "resource address \"%s\" appears twice", address);
        return NULL;
    }
    if (l->snapshot->count + l->count >= l->snapshot->limit_resources) {
        json_decref(attrs);
        json_decref(unknown);
        loader_fail(l, SOC2_ELIMIT, NULL,
                    "the snapshot would hold more than %zu resources (SOC2_LIMIT_RESOURCES)",
                    l->snapshot->limit_resources);
        return NULL;
    }

    soc2_resource *r = resource_new(l->snapshot, address, type, source_type, attrs, unknown);
    if (!r) {
        error_nomem();
        return NULL;
    }
    r->document = l->document;
    if (ARRAY_PUSH(l->resources, l->count, l->cap, r) < 0 ||
        strmap_put(&l->by_address, address, r) < 0) {
        if (l->count && l->resources[l->count - 1] == r)
            l->count--;
        resource_free(r);
        error_nomem();
        return NULL;
    }
    return r;
}

int loader_add_reference(soc2_loader *l, soc2_resource *r, const char *path,
                         const char *target_address)
{
    return loader_add_reference_flags(l, r, path, target_address, 0);
}

int loader_add_reference_flags(soc2_loader *l, soc2_resource *r, const char *path,
                               const char *target_address, unsigned flags)
{
    (void)l;
    if (resource_add_edge_flags(r, path, target_address, NULL, flags) < 0)
        return error_nomem();
    return SOC2_OK;
}

soc2_resource *loader_find(const soc2_loader *l, const char *address)
{
    return strmap_get(&l->by_address, address);
}

/* A message shows at most this many reference tokens of a JSON pointer from
 * its start and from its end, with "…" for those between, and at most
 * MESSAGE_TOKEN_MAX bytes of each token. The error record keeps the whole
 * pointer. */
#define MESSAGE_POINTER_HEAD 10
#define MESSAGE_POINTER_TAIL 3
#define MESSAGE_TOKEN_MAX 64

/* Appends one reference token, cut after MESSAGE_TOKEN_MAX bytes, with
 * control characters escaped as in a JSON string so that a key holding a
 * newline cannot break a message into lines. */
static void append_message_token(strbuf *sb, const char *token, size_t length)
{
    size_t shown_length = length;
    if (shown_length > MESSAGE_TOKEN_MAX) {
        shown_length = MESSAGE_TOKEN_MAX;
        /* Do not cut a UTF-8 sequence: back up over continuation bytes. */
        while (shown_length > 0 && ((unsigned char)token[shown_length] & 0xC0) == 0x80)
            shown_length--;
    }
    for (size_t i = 0; i < shown_length; i++) {
        unsigned char c = (unsigned char)token[i];
        if (c == '\n')
            sb_puts(sb, "\\n");
        else if (c == '\t')
            sb_puts(sb, "\\t");
        else if (c == '\r')
            sb_puts(sb, "\\r");
        else if (c < 0x20 || c == 0x7f)
            sb_printf(sb, "\\u%04x", c);
        else
            sb_putc(sb, (char)c);
    }
    if (shown_length < length)
        sb_puts(sb, "\u2026");
}

/* Appends `pointer` ("/a/b/...") for a message: whole when it has few
 * tokens, otherwise its first MESSAGE_POINTER_HEAD and last
 * MESSAGE_POINTER_TAIL tokens. */
static void append_message_pointer(strbuf *sb, const char *pointer)
{
    if (pointer[0] != '/') {
        append_message_token(sb, pointer, strlen(pointer));
        return;
    }
    size_t tokens = 0;
    for (const char *p = pointer; *p; p++)
        tokens += *p == '/';
    int cut = tokens > MESSAGE_POINTER_HEAD + MESSAGE_POINTER_TAIL + 1;

    size_t index = 0;
    for (const char *token = pointer; *token == '/'; index++) {
        const char *start = token + 1;
        const char *end = strchr(start, '/');
        if (!end)
            end = start + strlen(start);
        if (!cut || index < MESSAGE_POINTER_HEAD || index >= tokens - MESSAGE_POINTER_TAIL) {
            sb_putc(sb, '/');
            append_message_token(sb, start, (size_t)(end - start));
        } else if (index == MESSAGE_POINTER_HEAD) {
            sb_puts(sb, "/\u2026");
        }
        token = end;
    }
}

int loader_fail(soc2_loader *l, int code, const char *pointer, const char *fmt, ...)
{
    int line = 0, column = 0;
    if (pointer && l->document && l->document->positions)
        positions_find(l->document->positions, pointer, &line, &column);
    else if (pointer && l->text)
        json_locate(l->text, l->text_length, pointer, &line, &column);

    strbuf message = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);
    if (pointer && *pointer) {
        sb_puts(&message, " (at ");
        append_message_pointer(&message, pointer);
        sb_putc(&message, ')');
    }
    error_set_input(code, l->document->name, line, column, pointer, "%s", sb_str(&message));
    sb_free(&message);
    return code;
}

/* Parsing. */

static int parse_error_code(const json_error_t *err)
{
    switch (json_error_code(err)) {
    case json_error_out_of_memory:
        return SOC2_ENOMEM;
    case json_error_stack_overflow:
        return SOC2_ELIMIT;
    default:
        return SOC2_EPARSE;
    }
}

/* Progress reports come once per this many bytes parsed. */
#define PROGRESS_STEP ((size_t)1 << 20)

/* A document fed to jansson in pieces, so that progress can be reported. */
typedef struct parse_feed {
    const char *data;
    size_t length;
    size_t offset;
    size_t reported; /* offset of the last report */
    const soc2_snapshot *snapshot;
    int cancelled;
} parse_feed;

static size_t feed_piece(void *buffer, size_t size, void *data)
{
    parse_feed *f = data;
    size_t n = f->length - f->offset < size ? f->length - f->offset : size;
    memcpy(buffer, f->data + f->offset, n);
    f->offset += n;
    if (f->offset - f->reported >= PROGRESS_STEP) {
        f->reported = f->offset;
        if (f->snapshot->progress(SOC2_PROGRESS_PARSE, f->offset, f->length,
                                  f->snapshot->progress_payload) != 0) {
            f->cancelled = 1;
            return (size_t)-1;
        }
    }
    return n;
}

static int parse(const soc2_snapshot *s, const char *name, const char *data, size_t length,
                 json_t **out)
{
    json_error_t err;
    const size_t flags = JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL;
    parse_feed feed = {data, length, 0, 0, s, 0};
    if (s->progress)
        *out = json_load_callback(feed_piece, &feed, flags, &err);
    else
        *out = json_loadb(data, length, flags, &err);
    /* The last report waits for success: a text that is not JSON goes on
     * to the YAML parser, which reports from the start again. */
    if (*out && s->progress &&
        s->progress(SOC2_PROGRESS_PARSE, length, length, s->progress_payload) != 0) {
        json_decref(*out);
        *out = NULL;
        feed.cancelled = 1;
    }
    if (*out)
        return SOC2_OK;
    if (feed.cancelled)
        return error_set_input(SOC2_EUSER, name, 0, 0, NULL,
                               "the load was cancelled by the progress callback");

    int code = parse_error_code(&err);
    if (code == SOC2_ELIMIT)
        return error_set_input(code, name, err.line, err.column, NULL,
                               "JSON nesting deeper than %d levels", JSON_PARSER_MAX_DEPTH);
    if (length == 0)
        return error_set_input(code, name, 0, 0, NULL, "the document is empty");
    int nul_line, nul_column;
    if (json_find_nul(data, length, (size_t)err.position + 1, &nul_line, &nul_column))
        return error_set_input(code, name, nul_line, nul_column, NULL,
                               "malformed JSON: a NUL byte, which JSON text cannot hold");
    return error_set_input(code, name, err.line, err.column, NULL, "malformed JSON: %s",
                           err.text);
}

static int detect(const char *name, const json_t *root, size_t *adapter)
{
    size_t found = ADAPTER_COUNT;
    for (size_t i = 0; i < ADAPTER_COUNT; i++) {
        if (!adapters[i].detect(root))
            continue;
        if (found != ADAPTER_COUNT)
            return error_set_input(SOC2_EUNRECOGNIZED, name, 0, 0, NULL,
                                   "the document looks like both %s and %s; name the format",
                                   soc2_format_name(adapters[found].format),
                                   soc2_format_name(adapters[i].format));
        found = i;
    }
    if (found == ADAPTER_COUNT) {
        strbuf tried = STRBUF_INIT;
        for (size_t i = 0; i < ADAPTER_COUNT; i++)
            sb_printf(&tried, "%s%s", i ? ", " : "", soc2_format_name(adapters[i].format));
        error_set_input(SOC2_EUNRECOGNIZED, name, 0, 0, NULL,
                        "not a recognized input format (tried %s)", sb_str(&tried));
        sb_free(&tried);
        return SOC2_EUNRECOGNIZED;
    }
    *adapter = found;
    return SOC2_OK;
}

/* Commit. */

static int resolve_references(soc2_loader *l)
{
    for (size_t i = 0; i < l->count; i++) {
        soc2_resource *r = l->resources[i];
        for (size_t j = 0; j < r->edge_count; j++)
            if (!r->edges[j].target)
                r->edges[j].target = loader_find(l, r->edges[j].target_address);
    }
    return SOC2_OK;
}

static int commit(soc2_loader *l)
{
    soc2_snapshot *s = l->snapshot;
    if (array_reserve((void **)&s->resources, &s->cap, s->count + l->count,
                      sizeof(*s->resources)) < 0 ||
        array_reserve((void **)&s->documents, &s->document_cap, s->document_count + 1,
                      sizeof(*s->documents)) < 0)
        return error_nomem();

    l->document->first = s->count;
    l->document->count = l->count;
    l->document->index = s->document_count;
    for (size_t i = 0; i < l->count; i++) {
        l->resources[i]->index = s->count;
        s->resources[s->count++] = l->resources[i];
    }
    s->documents[s->document_count++] = l->document;
    s->indexed = 0;
    l->count = 0;
    l->document = NULL;
    return SOC2_OK;
}

static void loader_release(soc2_loader *l)
{
    for (size_t i = 0; i < l->count; i++)
        resource_free(l->resources[i]);
    free(l->resources);
    strmap_free(&l->by_address);
    document_free(l->document);
}

/* Returns whether the text, after white space, starts like a JSON object
 * or array: such a text is reported as malformed JSON, never tried as
 * YAML. */
static int looks_like_json(const char *text, size_t length)
{
    size_t i = 0;
    while (i < length && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
                          text[i] == '\r'))
        i++;
    return i < length && (text[i] == '{' || text[i] == '[');
}

static int load_text(soc2_snapshot *s, const char *data, size_t length, const char *name,
                     soc2_format format)
{
    if (length > s->limit_input_bytes)
        return error_set_input(SOC2_ELIMIT, name, 0, 0, NULL,
                               "the document is %zu bytes, more than the limit of %zu "
                               "(SOC2_LIMIT_INPUT_BYTES)",
                               length, s->limit_input_bytes);

    /* A UTF-8 byte-order mark is allowed and ignored. */
    const char *text = data;
    size_t text_length = length;
    if (text_length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        text_length -= 3;
    }

    size_t blank = 0;
    while (blank < text_length && (text[blank] == ' ' || text[blank] == '\t' ||
                                   text[blank] == '\n' || text[blank] == '\r'))
        blank++;
    if (blank == text_length)
        return error_set_input(SOC2_EPARSE, name, 0, 0, NULL, "the document is empty");

    /* JSON first; a text that is not JSON and does not start like it is
     * read as YAML, which records the position of every value. */
    json_t *root;
    strmap *positions = NULL;
    int rc = parse(s, name, text, text_length, &root);
    if (rc == SOC2_EPARSE && !looks_like_json(text, text_length)) {
        soc2_error_clear();
        yaml_progress progress = {s->progress, s->progress_payload};
        rc = yaml_to_json(name, text, text_length, &progress, &root, &positions);
    }
    if (rc != SOC2_OK)
        return rc;

    size_t adapter = ADAPTER_COUNT;
    if (format == SOC2_FORMAT_AUTO) {
        rc = detect(name, root, &adapter);
    } else {
        for (size_t i = 0; i < ADAPTER_COUNT; i++)
            if (adapters[i].format == format)
                adapter = i;
        if (adapter == ADAPTER_COUNT)
            rc = error_set(SOC2_EINVAL, "unsupported input format %d", (int)format);
        else if (!adapters[adapter].detect(root))
            rc = error_set_input(SOC2_EUNRECOGNIZED, name, 0, 0, NULL,
                                 "the document is not %s", soc2_format_name(format));
    }
    if (rc != SOC2_OK) {
        json_decref(root);
        positions_free(positions);
        return rc;
    }

    rc = loader_run(s, name, text, text_length, positions, adapters[adapter].format,
                    adapters[adapter].load, root);
    json_decref(root);
    return rc;
}

int loader_run(soc2_snapshot *s, const char *name, const char *text, size_t text_length,
               strmap *positions, soc2_format format, adapter_load_fn load, json_t *root)
{
    soc2_loader l = {0};
    l.snapshot = s;
    l.text = text;
    l.text_length = text_length;
    strmap_init(&l.by_address);
    l.document = calloc(1, sizeof(*l.document));
    if (!l.document || !(l.document->name = strdup(name))) {
        positions_free(positions);
        loader_release(&l);
        return error_nomem();
    }
    l.document->format = format;

    /* Keep what source positions will be computed from: the recorded
     * positions of a YAML document, or the text of a JSON one. */
    if (positions) {
        l.document->positions = positions;
    } else if (text) {
        l.document->text = malloc(text_length + 1);
        if (!l.document->text) {
            loader_release(&l);
            return error_nomem();
        }
        memcpy(l.document->text, text, text_length);
        l.document->text[text_length] = '\0';
        l.document->text_length = text_length;
    }

    int rc = load(&l, root);
    if (rc == SOC2_OK)
        rc = resolve_references(&l);
    if (rc == SOC2_OK)
        rc = fold_document(&l);
    if (rc == SOC2_OK)
        rc = commit(&l);
    loader_release(&l);
    return rc;
}

int soc2_snapshot_load_buffer(soc2_snapshot *s, const char *data, size_t length,
                              const char *name, soc2_format format)
{
    if (!s || (!data && length))
        return error_set(SOC2_EINVAL, "snapshot and data must not be NULL");
    return load_text(s, data ? data : "", length, name ? name : "<buffer>", format);
}

int soc2_snapshot_load_file(soc2_snapshot *s, const char *path, soc2_format format)
{
    if (!s || !path)
        return error_set(SOC2_EINVAL, "snapshot and path must not be NULL");

    strbuf data = STRBUF_INIT;
    int rc = read_regular_file(path, s->limit_input_bytes, &data);
    if (rc == SOC2_OK)
        rc = load_text(s, sb_str(&data), data.len, path, format);
    sb_free(&data);
    return rc;
}
