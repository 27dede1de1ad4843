/* The CloudFormation adapter's internal interface. cfn.c reads the template
 * and creates the resources, and cfn_dependencies.c rejects circular
 * dependencies between them. cfn_functions.c checks the names of intrinsic
 * functions, cfn_intrinsics.c resolves them and conditions, cfn_walk.c
 * visits a template's values, and cfn_map.c renames resolved properties
 * onto the canonical model as src/load/mappings/cloudformation.json
 * describes.
 * cfn_sources.c keeps the source map: where in the template each resolved
 * value and each attribute comes from.
 *
 * Values not known until the stack is created (a Ref to a resource, a
 * pseudo parameter, Fn::GetAZs, ...) travel through resolution and mapping
 * as unknown-value markers. A marker is an object that only cfn_is_unknown()
 * recognizes, and it carries the logical IDs of the resources the value
 * refers to. cfn.c turns markers into each resource's unknown mask and
 * references. */
#ifndef SOC2_LOAD_CFN_H
#define SOC2_LOAD_CFN_H

#include <jansson.h>

#include "loader.h"
#include "../util/strbuf.h"
#include "../util/strmap.h"

/* Source maps. While a resource's Properties are resolved, a trace records
 * each place where the resolved value stops following the template step
 * for step, so that every resolved value can be traced to the template
 * value it comes from (cfn_sources.c). */

typedef struct cfn_trace_entry {
    char *path;    /* JSON pointer into the resolved Properties */
    char *pointer; /* JSON pointer into the template */
    int opaque;    /* a function made the value: what lies below `path` comes
                      from `pointer` itself, not from below it */
} cfn_trace_entry;

typedef struct cfn_trace {
    cfn_trace_entry *entries;
    size_t count, cap;
    strbuf path;  /* the resolved path being resolved, kept by the resolver */
    strmap index; /* path -> entry, built by cfn_trace_finish() */
} cfn_trace;

/* Starts a trace whose resolved root comes from `properties_pointer`.
 * Returns 0, or -1 when memory runs out. */
int cfn_trace_init(cfn_trace *trace, const char *properties_pointer);
void cfn_trace_free(cfn_trace *trace);
/* Records that the value at the trace's current path comes from the
 * template value at `pointer`. Returns 0, or -1 when memory runs out. */
int cfn_trace_add(cfn_trace *trace, const char *pointer, int opaque);
/* Drops the entries recorded after the first `count`. */
void cfn_trace_truncate(cfn_trace *trace, size_t count);
/* Indexes the entries for cfn_trace_pointer(). Returns 0 or -1. */
int cfn_trace_finish(cfn_trace *trace);
/* Appends to `out` the template pointer of the resolved value at `path`.
 * Returns 0, or -1 when memory runs out. */
int cfn_trace_pointer(const cfn_trace *trace, const char *path, strbuf *out);

/* A canonical attribute path and the template pointer it comes from, as
 * resource_map_source() takes them. */
typedef struct cfn_source {
    char *path;
    char *pointer;
} cfn_source;

typedef struct cfn_source_list {
    cfn_source *items;
    size_t count, cap;
} cfn_source_list;

/* Appends a copy of `path` and `pointer`. Returns 0, or -1 when memory
 * runs out. */
int cfn_sources_add(cfn_source_list *list, const char *path, const char *pointer);
/* Removes the entries at or below the attribute path `path`. */
void cfn_sources_remove_below(cfn_source_list *list, const char *path);
void cfn_sources_free(cfn_source_list *list);
/* Records in a new resource (one without sources yet) its template pointer
 * and `sources`. A later entry for a path replaces an earlier one, as
 * resource_map_source() does. Returns SOC2_OK or SOC2_ENOMEM. */
int cfn_record_sources(soc2_resource *resource, const char *pointer,
                       const cfn_source_list *sources);

/* Deepest nesting of values, intrinsic functions and condition references
 * the resolver follows before it rejects the template with SOC2_ELIMIT. */
#define CFN_MAX_DEPTH 1000

typedef enum cfn_truth {
    CFN_FALSE = 0,
    CFN_TRUE = 1,
    CFN_UNDECIDED = 2 /* depends on a value not known until the stack is created */
} cfn_truth;

/* A template being loaded: its sections, borrowed from the parsed document
 * (NULL when absent), and the state of condition evaluation. */
typedef struct cfn_template {
    soc2_loader *loader;
    json_t *parameters;
    json_t *mappings;
    json_t *conditions;
    json_t *resources;
    json_t *unknown_tag;     /* owned object whose identity marks unknown values */
    strmap condition_states; /* condition name -> evaluation state */
    unsigned depth;
    /* The logical ID of the resource whose Properties are being resolved,
     * or NULL. A Ref, Fn::GetAtt or Fn::Sub placeholder naming it is a
     * circular dependency. */
    const char *resource_id;
    /* The trace of the Properties being resolved. It is NULL where nothing
     * is traced, as inside the arguments of a function. */
    cfn_trace *trace;
} cfn_template;

/* Reads the template's sections. Fails through loader_fail() with
 * SOC2_EFORMAT when Resources is missing, a section is not an object, a
 * resource or parameter has an invalid logical ID, or a parameter's Default
 * does not fit its Type. */
int cfn_template_init(cfn_template *template, soc2_loader *loader, json_t *root);
void cfn_template_release(cfn_template *template);

/* Unknown-value markers. */

/* Returns a new marker with no references, or NULL when memory runs out. */
json_t *cfn_unknown_new(const cfn_template *template);
/* Gives the marker a symbol: the text the value will have, with ${...}
 * where the stack fills in a pseudo parameter or a resource's name or
 * attribute ("logs-${AWS::Region}-${AWS::AccountId}", "${Bucket.Arn}").
 * Equal symbols stand for equal values, because the stack fills each
 * ${...} the same way everywhere, and such a value is never a wildcard.
 * Returns 0 or -1 when memory runs out. */
int cfn_unknown_set_symbol(json_t *marker, const char *symbol);
/* Returns the marker's symbol, or NULL when the value has none (it comes
 * from a parameter without a default, Fn::GetAZs, Fn::Select over an unknown
 * list, ...). */
const char *cfn_unknown_symbol(const json_t *marker);
/* Returns whether `value` is a marker made by cfn_unknown_new(). */
int cfn_is_unknown(const cfn_template *template, const json_t *value);
/* Returns the marker's references: a borrowed list of logical IDs. */
json_t *cfn_unknown_refs(const json_t *marker);
/* Adds `logical_id` to the marker's references once. Returns 0 or -1 when
 * memory runs out. */
int cfn_unknown_add_ref(json_t *marker, const char *logical_id);
/* Adds the references of every marker inside `value` to `marker`. */
int cfn_unknown_collect(const cfn_template *template, json_t *marker, const json_t *value);
/* Returns whether a marker occurs anywhere inside `value`. */
int cfn_contains_unknown(const cfn_template *template, const json_t *value);
/* Sets *out to a new marker referring to `logical_id` (none when it is
 * NULL) and to every resource the markers inside `sources` refer to.
 * Returns SOC2_OK or SOC2_ENOMEM. */
int cfn_make_unknown(const cfn_template *template, const char *logical_id, json_t *const *sources,
                     size_t source_count, json_t **out);

/* Intrinsic functions and conditions. */

/* Resolves the intrinsic functions in `value`, which sits at the JSON
 * pointer `pointer` of the template (the buffer is used as scratch space and
 * restored). On SOC2_OK, *out is a new reference to the resolved value, or
 * NULL when the value is removed by AWS::NoValue. Errors are recorded with
 * loader_fail() and pointed at the offending value. */
int cfn_resolve(cfn_template *template, json_t *value, strbuf *pointer, json_t **out);

/* Evaluates the condition `name` of the Conditions section. Errors point at
 * `pointer`, the place that refers to the condition. */
int cfn_condition(cfn_template *template, const char *name, const char *pointer, cfn_truth *out);

/* Evaluates Fn::Equals, Fn::And, Fn::Or or Fn::Not (`name`) applied to
 * `arg`, which sits at `pointer`. */
int cfn_condition_function(cfn_template *template, const char *name, json_t *arg, strbuf *pointer,
                           cfn_truth *out);

/* Helpers shared by the resolver and condition evaluation. */

/* Resolves `value` found at `pointer` extended by the key `step` or by
 * `index` (NULL, or a negative index, adds nothing); as cfn_resolve(). */
int cfn_resolve_at(cfn_template *template, json_t *value, strbuf *pointer, const char *step,
                   long index, json_t **out);
/* Records an SOC2_EFORMAT error at `pointer` extended as in
 * cfn_resolve_at(), and returns SOC2_EFORMAT. */
int cfn_fail_at(cfn_template *template, strbuf *pointer, const char *step, long index,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Returns whether a parameter of `type` is a list: CommaDelimitedList or
 * List<...>. Its Default is then a comma-delimited string. */
int cfn_is_list_parameter_type(const char *type);
/* Appends a string, number or boolean as text, as Fn::Sub, Fn::Join and
 * Fn::Equals see it. Returns -1 for other values. */
int cfn_append_scalar(strbuf *out, const json_t *value);
/* Returns the start of the text from `start` to `end` without the spaces
 * around it, and its length in *length: the name of an Fn::Sub
 * placeholder "${ Name }". */
const char *cfn_trim_spaces(const char *start, const char *end, size_t *length);
/* Returns the key of an object with exactly one member, or NULL. */
const char *cfn_single_key(const json_t *value);
/* Rejects an object that has an intrinsic function key beside other
 * members, such as {"Ref": "P", "Other": 1}. Function keys are Ref and
 * Fn::..., and also Condition when `in_condition` says a condition is
 * expected. Returns SOC2_OK or SOC2_EFORMAT recorded at `pointer`. */
int cfn_check_function_alone(cfn_template *template, const json_t *value, strbuf *pointer,
                             int in_condition);
/* Appends `text` (`length` bytes) for a message: in double quotes, with
 * control characters escaped, and cut to its first 64 bytes and "…" when it
 * is longer. */
void cfn_append_quoted(strbuf *out, const char *text, size_t length);

/* Walking a template value in document order with an explicit stack, so
 * that nesting costs no C stack. */

typedef struct cfn_walk_frame {
    json_t *value;
    size_t parent_length; /* length of the pointer of the value that scheduled it */
    const char *key;      /* a key to append to that pointer, or NULL */
    long index;           /* then an index to append, or -1 */
} cfn_walk_frame;

typedef struct cfn_walker {
    cfn_walk_frame *frames; /* values still to visit, the last one next */
    size_t count, cap;
    strbuf pointer; /* the JSON pointer of the value being visited */
} cfn_walker;

/* Called for each value visited, with its pointer in walker->pointer. It
 * clears *descend to skip the members or elements of the value, and may
 * then schedule some of them itself with cfn_walk_push(). A status other
 * than SOC2_OK stops the walk. */
typedef int (*cfn_visit_fn)(cfn_walker *walker, json_t *value, void *context, int *descend);

/* Visits `value`, which sits at `pointer`, and every value inside it in
 * document order. Returns SOC2_OK, the first other status `visit` returned,
 * or SOC2_ENOMEM. */
int cfn_walk(json_t *value, const char *pointer, cfn_visit_fn visit, void *context);
/* Schedules `value`, found at the visited value's pointer extended by `key`
 * and `index` (NULL, or a negative index, adds nothing). The value pushed
 * last is visited first. Returns 0, or -1 when memory runs out. */
int cfn_walk_push(cfn_walker *walker, json_t *value, const char *key, long index);

/* Checks that every object of Resources, Outputs, Conditions and Rules that
 * has one key starting with Fn:: names a function CloudFormation defines.
 * Returns SOC2_OK, SOC2_ENOMEM, or SOC2_EFORMAT through loader_fail() at
 * the first unknown function, such as {"Fn::Bogus": 1} or the YAML tag
 * !Bogus. */
int cfn_check_function_names(cfn_template *template, json_t *root);

/* Resources (cfn.c). */

/* Sets *created to whether CloudFormation creates the resource: it has no
 * Condition, or one that is not false. Returns SOC2_OK, SOC2_ENOMEM, or
 * SOC2_EFORMAT through loader_fail() for a Condition that is not a
 * condition name or that cannot be evaluated. */
int cfn_resource_is_created(cfn_template *template, const char *logical_id, json_t *resource,
                            int *created);

/* Appends the JSON pointer of a resource, or of its `member` unless NULL,
 * to `pointer`. */
void cfn_resource_pointer(strbuf *pointer, const char *logical_id, const char *member);

/* Fails the load when the dependencies between resources (Ref, Fn::GetAtt,
 * Fn::Sub placeholders and DependsOn) form a cycle, which CloudFormation
 * rejects (cfn_dependencies.c). Returns SOC2_OK, SOC2_ENOMEM, or
 * SOC2_EFORMAT through loader_fail() naming the resources of the cycle. */
int cfn_check_dependencies(cfn_template *template);

/* Mapping onto the canonical model. */

/* The parsed mapping table. */
typedef struct cfn_mapping {
    json_t *root;   /* owned */
    json_t *types;  /* borrowed from root: CloudFormation type -> type entry */
    json_t *shapes; /* borrowed from root: shape name -> shape */
} cfn_mapping;

/* Parses and checks the built-in mapping table. Returns SOC2_OK, SOC2_ENOMEM
 * or SOC2_ERROR (with a message naming the faulty entry). */
int cfn_mapping_load(cfn_mapping *mapping);
void cfn_mapping_free(cfn_mapping *mapping);

/* Returns the canonical type for a CloudFormation type, or NULL when the
 * table does not map it. */
const char *cfn_mapping_type(const cfn_mapping *mapping, const char *cfn_type);

/* Maps the resolved properties of a resource of a mapped type onto
 * canonical attribute names, setting *out to a new object. Unknown-value
 * markers are carried over unchanged. `trace` records where the resolved
 * properties come from. For each attribute the mapping produces, `sources`
 * gets its path and the template pointer of the value that decided it
 * (cfn_written_sources() describes the entries below a value kept as
 * written). Returns SOC2_OK, SOC2_ENOMEM, or SOC2_EFORMAT through
 * loader_fail() when a property that the table maps as a block or inline
 * shape is not an object or a list of objects. */
int cfn_map_properties(const cfn_mapping *mapping, cfn_template *template,
                       const cfn_trace *trace, const char *cfn_type, json_t *properties,
                       json_t **out, cfn_source_list *sources);

/* Adds to `sources` the entries of resolved properties kept as written, for
 * a type the table does not map. The path "" stands for the whole, and each
 * place below where the resolved value does not follow the template step
 * for step gets an entry: a branch of Fn::If, a function's value, a list
 * element after an AWS::NoValue. Below every other place, attribute names
 * equal the template's keys. Returns SOC2_OK or SOC2_ENOMEM. */
int cfn_written_sources(cfn_template *template, const cfn_trace *trace, const json_t *properties,
                        cfn_source_list *sources);

/* Appends the snake_case spelling of a CloudFormation property name:
 * BucketName -> bucket_name, SSESpecification -> sse_specification,
 * KMSKeyId -> kms_key_id, CidrIpv6 -> cidr_ipv6. */
void cfn_snake_case(strbuf *out, const char *name);

#endif
