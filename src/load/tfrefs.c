/* Terraform addresses and the resolution of configuration references (see
 * tfrefs.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tfrefs.h"
#include "../util/array.h"
#include "../util/strbuf.h"

/* Addresses and references. */

/* One step of a Terraform traversal: a name (`module`, `aws_vpc`, `id`) or
 * the text between the brackets of an index (`0`, `"key"`, quotes kept). */
typedef struct tf_token {
    const char *text;
    size_t len;
    int is_index;
} tf_token;

static int is_name_byte(unsigned char c)
{
    /* Bytes of multibyte UTF-8 sequences count, as identifiers may hold
     * Unicode letters. */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c >= 0x80;
}

static int token_is(const tf_token *t, const char *name)
{
    size_t n = strlen(name);
    return !t->is_index && t->len == n && memcmp(t->text, name, n) == 0;
}

static int tokens_equal(const char *a, size_t a_len, const char *b, size_t b_len)
{
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* Reads the step at s[*pos]: a name (after a '.' unless at the start) or a
 * bracketed index. Returns 1 with a step, 0 at the end, -1 when the text is
 * malformed there. */
static int next_token(const char *s, size_t len, size_t *pos, tf_token *out)
{
    size_t i = *pos;
    if (i >= len)
        return 0;

    if (s[i] == '[') {
        size_t start = ++i;
        if (i < len && s[i] == '"') {
            i++;
            while (i < len && s[i] != '"')
                i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
            if (i >= len)
                return -1;
            i++;
        } else {
            while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '*' || s[i] == '-'))
                i++;
        }
        if (i >= len || s[i] != ']' || i == start)
            return -1;
        out->text = s + start;
        out->len = i - start;
        out->is_index = 1;
        *pos = i + 1;
        return 1;
    }

    if (i > 0) {
        if (s[i] != '.')
            return -1;
        i++;
    }
    size_t start = i;
    while (i < len && is_name_byte((unsigned char)s[i]))
        i++;
    if (i == start)
        return -1;
    out->text = s + start;
    out->len = i - start;
    out->is_index = 0;
    *pos = i;
    return 1;
}

static int next_name(const char *s, size_t len, size_t *pos, tf_token *out)
{
    return next_token(s, len, pos, out) == 1 && !out->is_index ? 1 : -1;
}

int tfrefs_parse_address(const char *address, tf_address *out)
{
    size_t len = strlen(address), pos = 0;
    tf_token t, name;
    memset(out, 0, sizeof(*out));

    for (;;) {
        if (next_name(address, len, &pos, &t) < 0)
            return -1;
        if (!token_is(&t, "module"))
            break;
        if (next_name(address, len, &pos, &name) < 0)
            return -1;
        if (pos < len && address[pos] == '[' && next_token(address, len, &pos, &t) != 1)
            return -1;
        out->module_len = pos;
    }

    if (token_is(&t, "data")) {
        out->data = 1;
        if (next_name(address, len, &pos, &t) < 0)
            return -1;
    }
    if (next_name(address, len, &pos, &name) < 0)
        return -1;
    out->base_len = pos;
    if (pos < len) {
        if (next_token(address, len, &pos, &t) != 1 || !t.is_index || pos != len)
            return -1;
        out->key = t.text;
        out->key_len = t.len;
    }
    return 0;
}

/* What a reference string names. */
typedef enum ref_kind {
    REF_OTHER,    /* data sources, locals, each/count/path/self, ... */
    REF_RESOURCE, /* type.name[key] */
    REF_VARIABLE, /* var.name */
    REF_OUTPUT    /* module.call[key].output */
} ref_kind;

typedef struct tf_reference {
    ref_kind kind;
    tf_token first;  /* resource type, variable name or module call name */
    tf_token second; /* resource name or output name */
    tf_token key;    /* instance key of the resource or module call ... */
    int has_key;     /* ... when the reference names one */
} tf_reference;

static void parse_reference(const char *text, tf_reference *out)
{
    size_t len = strlen(text), pos = 0;
    tf_token root;
    memset(out, 0, sizeof(*out));
    if (next_name(text, len, &pos, &root) < 0)
        return;

    static const char *const not_resources[] = {
        "data", "local", "each", "count", "path", "self", "terraform", "ephemeral",
    };
    for (size_t i = 0; i < sizeof(not_resources) / sizeof(not_resources[0]); i++)
        if (token_is(&root, not_resources[i]))
            return;

    if (token_is(&root, "var")) {
        if (next_name(text, len, &pos, &out->first) == 1)
            out->kind = REF_VARIABLE;
        return;
    }

    if (next_name(text, len, &pos, &out->first) < 0)
        return;
    if (token_is(&root, "module")) {
        tf_token t;
        if (next_token(text, len, &pos, &t) != 1)
            return; /* the whole module object names no single output */
        if (t.is_index) {
            out->key = t;
            out->has_key = 1;
            if (next_token(text, len, &pos, &t) != 1 || t.is_index)
                return;
        }
        out->second = t;
        out->kind = REF_OUTPUT;
        return;
    }

    out->second = out->first;
    out->first = root;
    out->kind = REF_RESOURCE;
    tf_token t;
    if (next_token(text, len, &pos, &t) == 1 && t.is_index && !(t.len == 1 && t.text[0] == '*')) {
        out->key = t;
        out->has_key = 1;
    }
}

/* The index of instances and module instances. */

void tfrefs_init(tfrefs *refs, const json_t *root_module)
{
    memset(refs, 0, sizeof(*refs));
    refs->root_module = root_module;
    strmap_init(&refs->by_base);
    strmap_init(&refs->by_config);
    strmap_init(&refs->module_set);
    strmap_init(&refs->by_call);
}

void tfrefs_free(tfrefs *refs)
{
    free(refs->instances);
    free(refs->modules);
    strmap_free(&refs->by_base);
    strmap_free(&refs->by_config);
    strmap_free(&refs->module_set);
    strmap_free(&refs->by_call);
    memset(refs, 0, sizeof(*refs));
}

static void *index_value(size_t index)
{
    return (void *)(uintptr_t)(index + 1);
}

static size_t value_index(void *value)
{
    return (size_t)(uintptr_t)value;
}

/* Records the module instance `address[0..len)` once, chained to the other
 * instances of its call `address[0..call_len)`. */
static int add_module_instance(tfrefs *refs, const char *address, size_t call_len, size_t len)
{
    strmap_entry *seen = strmap_upsert(&refs->module_set, address, len);
    if (!seen)
        return SOC2_ENOMEM;
    if (seen->value)
        return SOC2_OK;

    strmap_entry *call = strmap_upsert(&refs->by_call, address, call_len);
    if (!call || array_reserve((void **)&refs->modules, &refs->module_cap,
                               refs->module_count + 1, sizeof(*refs->modules)) < 0)
        return SOC2_ENOMEM;

    tf_module_instance *m = &refs->modules[refs->module_count];
    m->address = address;
    m->len = len;
    m->key = NULL;
    m->key_len = 0;
    if (len > call_len) {
        m->key = address + call_len + 1;
        m->key_len = len - call_len - 2;
    }
    m->next_same_call = 0;
    m->last_same_call = 0;

    size_t self = refs->module_count + 1;
    size_t head = value_index(call->value);
    if (!head) {
        call->value = index_value(refs->module_count);
        head = self;
    } else {
        refs->modules[refs->modules[head - 1].last_same_call - 1].next_same_call = self;
    }
    refs->modules[head - 1].last_same_call = self;
    seen->value = index_value(refs->module_count);
    refs->module_count++;
    return SOC2_OK;
}

/* Records every module instance on the way to a resource and writes the
 * configuration key of the resource (`module.a.module.b.aws_vpc.main`, the
 * module path without instance keys) into `config_key`. */
static int index_modules(tfrefs *refs, const char *address, const tf_address *parts,
                         strbuf *config_key)
{
    size_t pos = 0;
    tf_token t, call;
    while (pos < parts->module_len) {
        if (next_name(address, parts->module_len, &pos, &t) < 0 ||
            next_name(address, parts->module_len, &pos, &call) < 0)
            return SOC2_EFORMAT;
        size_t call_len = pos;
        if (pos < parts->module_len && address[pos] == '[' &&
            next_token(address, parts->module_len, &pos, &t) != 1)
            return SOC2_EFORMAT;
        sb_puts(config_key, "module.");
        sb_append(config_key, call.text, call.len);
        sb_putc(config_key, '.');
        int rc = add_module_instance(refs, address, call_len, pos);
        if (rc != SOC2_OK)
            return rc;
    }

    size_t local = parts->module_len ? parts->module_len + 1 : 0;
    sb_append(config_key, address + local, parts->base_len - local);
    return config_key->failed ? SOC2_ENOMEM : SOC2_OK;
}

int tfrefs_add_instance(tfrefs *refs, soc2_resource *resource)
{
    tf_instance instance = {resource, {0}, 0, 0, 0, 0};
    if (tfrefs_parse_address(resource->address, &instance.parts) < 0)
        return SOC2_EFORMAT;

    strbuf config_key = STRBUF_INIT;
    int rc = index_modules(refs, resource->address, &instance.parts, &config_key);
    if (rc != SOC2_OK) {
        sb_free(&config_key);
        return rc;
    }

    strmap_entry *base = strmap_upsert(&refs->by_base, resource->address, instance.parts.base_len);
    strmap_entry *config = base ? strmap_upsert(&refs->by_config, config_key.data,
                                                config_key.len)
                                : NULL;
    sb_free(&config_key);
    if (!config ||
        array_reserve((void **)&refs->instances, &refs->cap, refs->count + 1,
                      sizeof(*refs->instances)) < 0)
        return SOC2_ENOMEM;

    /* Chains are kept in plan order so that edges come out in that order. */
    size_t self = refs->count + 1;
    refs->instances[refs->count] = instance;
    size_t head = value_index(base->value);
    if (!head) {
        base->value = index_value(refs->count);
        head = self;
    } else {
        refs->instances[refs->instances[head - 1].last_same_base - 1].next_same_base = self;
    }
    refs->instances[head - 1].last_same_base = self;

    head = value_index(config->value);
    if (!head) {
        config->value = index_value(refs->count);
        head = self;
    } else {
        refs->instances[refs->instances[head - 1].last_same_config - 1].next_same_config = self;
    }
    refs->instances[head - 1].last_same_config = self;
    refs->count++;
    return SOC2_OK;
}

size_t tfrefs_first_of_config(const tfrefs *refs, const char *module_path,
                              const char *local_address)
{
    strbuf key = STRBUF_INIT;
    if (*module_path) {
        sb_puts(&key, module_path);
        sb_putc(&key, '.');
    }
    sb_puts(&key, local_address);
    size_t first = 0;
    if (!key.failed)
        first = value_index(strmap_getn(&refs->by_config, sb_str(&key), key.len));
    sb_free(&key);
    return first;
}

/* Resolution. */

/* Where an expression is written: a module instance, and the instance key of
 * the resource or module call the expression belongs to. */
typedef struct scope {
    const char *module; /* module instance address, "" for the root */
    size_t module_len;
    const char *key; /* instance key between the brackets, or NULL */
    size_t key_len;
} scope;

typedef struct resolver {
    tfrefs *refs;
    tfrefs_target_fn found;
    void *context;
    unsigned flags; /* EDGE_* flags given to every target found, with
                       EDGE_AMBIGUOUS below an ambiguous step */
    strmap visited; /* variables and outputs already followed, with flags */
} resolver;

static int resolve_list(resolver *rv, const scope *at, const json_t *references, int depth);

/* Returns the configuration module of a module instance, or NULL. */
static const json_t *config_module(const tfrefs *refs, const char *module, size_t len)
{
    const json_t *config = refs->root_module;
    size_t pos = 0;
    tf_token t, call;
    while (config && pos < len) {
        if (next_name(module, len, &pos, &t) < 0 || next_name(module, len, &pos, &call) < 0)
            return NULL;
        if (pos < len && module[pos] == '[' && next_token(module, len, &pos, &t) != 1)
            return NULL;

        const json_t *calls = json_object_get(config, "module_calls");
        config = json_object_get(json_object_getn(calls, call.text, call.len), "module");
        if (!json_is_object(config))
            return NULL;
    }
    return config;
}

static int visit_once(resolver *rv, char kind, const char *module, size_t module_len,
                      const tf_token *name, int *first_time)
{
    /* A variable or output first reached through an ambiguous step is
     * followed again when a definite path reaches it, so that its edges end
     * up definite. */
    strbuf key = STRBUF_INIT;
    sb_putc(&key, kind);
    sb_putc(&key, rv->flags & EDGE_AMBIGUOUS ? '?' : '=');
    sb_append(&key, module, module_len);
    sb_putc(&key, ' ');
    sb_append(&key, name->text, name->len);
    strmap_entry *e = key.failed ? NULL : strmap_upsert(&rv->visited, key.data, key.len);
    sb_free(&key);
    if (!e)
        return SOC2_ENOMEM;
    *first_time = e->value == NULL;
    e->value = (void *)1;
    return SOC2_OK;
}

/* Follows the references anywhere inside an expression: a leaf
 * ({"references": [...]}) or, defensively, any structure holding leaves. */
static int resolve_expression(resolver *rv, const scope *at, const json_t *expression,
                              int depth)
{
    if (json_is_array(expression)) {
        for (size_t i = 0; i < json_array_size(expression); i++) {
            int rc = resolve_expression(rv, at, json_array_get(expression, i), depth);
            if (rc != SOC2_OK)
                return rc;
        }
        return SOC2_OK;
    }
    if (!json_is_object(expression))
        return SOC2_OK;

    const json_t *references = json_object_get(expression, "references");
    if (json_is_array(references))
        return resolve_list(rv, at, references, depth);
    if (json_object_get(expression, "constant_value"))
        return SOC2_OK;

    const char *name;
    const json_t *value;
    json_object_foreach((json_t *)expression, name, value) {
        int rc = resolve_expression(rv, at, value, depth);
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

static int resolve_resource(resolver *rv, const scope *at, const tf_reference *ref)
{
    strbuf base = STRBUF_INIT;
    sb_append(&base, at->module, at->module_len);
    if (at->module_len)
        sb_putc(&base, '.');
    sb_append(&base, ref->first.text, ref->first.len);
    sb_putc(&base, '.');
    sb_append(&base, ref->second.text, ref->second.len);
    if (base.failed) {
        sb_free(&base);
        return SOC2_ENOMEM;
    }
    size_t first = value_index(strmap_getn(&rv->refs->by_base, base.data, base.len));
    sb_free(&base);
    if (!first)
        return SOC2_OK;

    const tf_instance *instances = rv->refs->instances;
    if (ref->has_key) {
        for (size_t i = first; i; i = instances[i - 1].next_same_base) {
            const tf_address *p = &instances[i - 1].parts;
            if (p->key && tokens_equal(p->key, p->key_len, ref->key.text, ref->key.len))
                return rv->found(rv->context, instances[i - 1].resource, rv->flags);
        }
        return SOC2_OK;
    }

    /* NOTE: a reference that names no instance of a resource with count or
     * for_each is taken to mean the instance with the same key as the one
     * referring, because the plan lists `aws_vpc.x[count.index]` and
     * `aws_vpc.x[each.key]` without the key. The index expression itself is
     * not in the plan, so `aws_vpc.x[count.index + 1]` is matched to the
     * wrong instance. */
    if (at->key) {
        for (size_t i = first; i; i = instances[i - 1].next_same_base) {
            const tf_address *p = &instances[i - 1].parts;
            if (p->key && tokens_equal(p->key, p->key_len, at->key, at->key_len))
                return rv->found(rv->context, instances[i - 1].resource, rv->flags);
        }
    }

    /* Otherwise any instance may be meant (`aws_vpc.x[each.value]`), unless
     * there is only one. A splat over all instances (`aws_subnet.x[*].id`)
     * is listed the same way, so it gets ambiguous edges too. */
    unsigned flags = rv->flags;
    if (instances[first - 1].next_same_base)
        flags |= EDGE_AMBIGUOUS;
    for (size_t i = first; i; i = instances[i - 1].next_same_base) {
        int rc = rv->found(rv->context, instances[i - 1].resource, flags);
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

/* Follows `var.NAME` in a module instance to the argument its caller passes. */
static int resolve_variable(resolver *rv, const scope *at, const tf_token *name, int depth)
{
    if (at->module_len == 0)
        return SOC2_OK; /* root module variables are set outside the configuration */

    /* Split off the last `module.CALL[KEY]` step. */
    size_t pos = 0, last_start = 0;
    tf_token t, call = {0}, key = {0};
    while (pos < at->module_len) {
        last_start = pos;
        key.text = NULL;
        if (next_name(at->module, at->module_len, &pos, &t) < 0 ||
            next_name(at->module, at->module_len, &pos, &call) < 0)
            return SOC2_OK;
        if (pos < at->module_len && at->module[pos] == '[' &&
            next_token(at->module, at->module_len, &pos, &key) != 1)
            return SOC2_OK;
    }

    int first_time;
    int rc = visit_once(rv, 'v', at->module, at->module_len, name, &first_time);
    if (rc != SOC2_OK || !first_time)
        return rc;

    /* The caller's expression belongs to the module call, so the key of
     * this module instance stands for `each.key` or `count.index` there. */
    scope caller = {at->module, last_start, key.text, key.len};
    const json_t *config = config_module(rv->refs, caller.module, caller.module_len);
    const json_t *call_config =
        json_object_getn(json_object_get(config, "module_calls"), call.text, call.len);
    const json_t *argument =
        json_object_getn(json_object_get(call_config, "expressions"), name->text, name->len);
    return resolve_expression(rv, &caller, argument, depth + 1);
}

/* Follows output `name` of one module instance to the resources its
 * expression refers to. */
static int resolve_output_of(resolver *rv, const char *module, size_t module_len,
                             const tf_token *name, int depth)
{
    int first_time;
    int rc = visit_once(rv, 'o', module, module_len, name, &first_time);
    if (rc != SOC2_OK || !first_time)
        return rc;

    const json_t *outputs = json_object_get(config_module(rv->refs, module, module_len), "outputs");
    const json_t *output = json_object_getn(outputs, name->text, name->len);
    scope inside = {module, module_len, NULL, 0};
    return resolve_expression(rv, &inside, json_object_get(output, "expression"), depth + 1);
}

/* Follows `module.CALL[KEY].OUTPUT`. */
static int resolve_output(resolver *rv, const scope *at, const tf_reference *ref, int depth)
{
    strbuf call = STRBUF_INIT;
    sb_append(&call, at->module, at->module_len);
    if (at->module_len)
        sb_putc(&call, '.');
    sb_puts(&call, "module.");
    sb_append(&call, ref->first.text, ref->first.len);
    size_t call_len = call.len;
    if (ref->has_key) {
        sb_putc(&call, '[');
        sb_append(&call, ref->key.text, ref->key.len);
        sb_putc(&call, ']');
    }
    if (call.failed) {
        sb_free(&call);
        return SOC2_ENOMEM;
    }

    const tf_module_instance *modules = rv->refs->modules;
    size_t first = ref->has_key ? 0 : value_index(strmap_getn(&rv->refs->by_call, call.data,
                                                              call_len));
    int rc = SOC2_OK;
    if (!first) {
        /* A named instance, or a module call with no resource in the plan
         * (its outputs may still pass on its input variables). */
        rc = resolve_output_of(rv, call.data, call.len, &ref->second, depth);
        sb_free(&call);
        return rc;
    }
    sb_free(&call);

    /* The same rule as for resources (see resolve_resource): the instance
     * with the referring key when there is one, otherwise every instance,
     * ambiguously when there are several. */
    if (at->key) {
        for (size_t i = first; i; i = modules[i - 1].next_same_call) {
            const tf_module_instance *m = &modules[i - 1];
            if (m->key && tokens_equal(m->key, m->key_len, at->key, at->key_len))
                return resolve_output_of(rv, m->address, m->len, &ref->second, depth);
        }
    }
    unsigned saved = rv->flags;
    if (modules[first - 1].next_same_call)
        rv->flags |= EDGE_AMBIGUOUS;
    for (size_t i = first; i && rc == SOC2_OK; i = modules[i - 1].next_same_call)
        rc = resolve_output_of(rv, modules[i - 1].address, modules[i - 1].len, &ref->second,
                               depth);
    rv->flags = saved;
    return rc;
}

/* Returns whether `references` also names an instance of the resource that
 * `ref` names without a key. Terraform lists `aws_s3_bucket.b[0].id`,
 * `aws_s3_bucket.b[0]` and `aws_s3_bucket.b` for one use of `b[0]`. */
static int keyed_form_listed(const json_t *references, const tf_reference *ref)
{
    for (size_t i = 0; i < json_array_size(references); i++) {
        const char *text = json_string_value(json_array_get(references, i));
        if (!text)
            continue;
        tf_reference other;
        parse_reference(text, &other);
        if (other.kind == REF_RESOURCE && other.has_key &&
            tokens_equal(other.first.text, other.first.len, ref->first.text, ref->first.len) &&
            tokens_equal(other.second.text, other.second.len, ref->second.text, ref->second.len))
            return 1;
    }
    return 0;
}

static int resolve_list(resolver *rv, const scope *at, const json_t *references, int depth)
{
    if (depth > TFREFS_MAX_DEPTH)
        return SOC2_ELIMIT;

    for (size_t i = 0; i < json_array_size(references); i++) {
        const char *text = json_string_value(json_array_get(references, i));
        if (!text)
            continue;

        tf_reference ref;
        parse_reference(text, &ref);
        int rc = SOC2_OK;
        switch (ref.kind) {
        case REF_RESOURCE:
            if (ref.has_key || !keyed_form_listed(references, &ref))
                rc = resolve_resource(rv, at, &ref);
            break;
        case REF_VARIABLE:
            rc = resolve_variable(rv, at, &ref.first, depth);
            break;
        case REF_OUTPUT:
            rc = resolve_output(rv, at, &ref, depth);
            break;
        case REF_OTHER:
            break;
        }
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

int tfrefs_resolve(tfrefs *refs, const tf_instance *from, const json_t *references,
                   tfrefs_target_fn found, void *context)
{
    resolver rv = {refs, found, context, 0, STRMAP_INIT};
    scope at = {from->resource->address, from->parts.module_len, from->parts.key,
                from->parts.key_len};
    int rc = resolve_list(&rv, &at, references, 0);
    strmap_free(&rv.visited);
    return rc;
}
