/* The interface between the loading front end and the format adapters.
 *
 * An adapter receives the parsed document and a loader. It creates resources
 * in the canonical model with loader_add_resource(), records references
 * between them with loader_add_reference(), and reports problems with
 * loader_fail(). When it returns SOC2_OK, the loader resolves references by
 * address within the document, folds split configuration onto its parent
 * resources and commits everything to the snapshot; when it fails, nothing
 * it added is kept. */
#ifndef SOC2_LOAD_LOADER_H
#define SOC2_LOAD_LOADER_H

#include <jansson.h>

#include "../model/model.h"
#include "../util/strmap.h"

typedef struct soc2_loader {
    soc2_snapshot *snapshot;
    soc2_document *document;
    const char *text; /* the document text, for locating errors */
    size_t text_length;
    soc2_resource **resources; /* this document's resources, in order */
    size_t count, cap;
    strmap by_address;
} soc2_loader;

typedef int (*adapter_load_fn)(soc2_loader *loader, json_t *root);

/* Creates a resource in the document. Takes ownership of `attrs` and
 * `unknown` (an unknown-value mask, or NULL) whatever the outcome. Fails
 * with SOC2_EFORMAT for a duplicate address and SOC2_ELIMIT past the
 * snapshot's resource limit; returns NULL then, with the error recorded. */
soc2_resource *loader_add_resource(soc2_loader *loader, const char *address, const char *type,
                                   const char *source_type, json_t *attrs, json_t *unknown);

/* Records that the value at `path` of `resource` refers to the resource of
 * this document with `target_address`. Unknown addresses are kept
 * unresolved. Returns SOC2_OK or SOC2_ENOMEM. */
int loader_add_reference(soc2_loader *loader, soc2_resource *resource, const char *path,
                         const char *target_address);
/* Records a reference with EDGE_* flags (see model.h), such as
 * EDGE_AMBIGUOUS for one of several possible targets. */
int loader_add_reference_flags(soc2_loader *loader, soc2_resource *resource, const char *path,
                               const char *target_address, unsigned flags);

/* Returns the resource of this document with `address`, or NULL. */
soc2_resource *loader_find(const soc2_loader *loader, const char *address);

/* Records an error about the document at the JSON pointer `pointer` (NULL
 * when the problem is the whole document) and returns `code`. The line and
 * column are looked up from the pointer. */
int loader_fail(soc2_loader *loader, int code, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Runs `load` on the parsed document `root` (not consumed) and, when it
 * succeeds, resolves references, folds and commits the resources to the
 * snapshot as one document called `name`. `text` is the document text for
 * locating errors, or NULL. */
int loader_run(soc2_snapshot *snapshot, const char *name, const char *text,
               size_t text_length, strmap *positions, soc2_format format,
               adapter_load_fn load, json_t *root);

/* Adapters. Each detects its format in a parsed document and loads it. */
int tfplan_detect(const json_t *root);
int tfplan_load(soc2_loader *loader, json_t *root);
int cfn_detect(const json_t *root);
int cfn_load(soc2_loader *loader, json_t *root);
int tfstate_detect(const json_t *root);
int tfstate_load(soc2_loader *loader, json_t *root);
int awsconfig_detect(const json_t *root);
int awsconfig_load(soc2_loader *loader, json_t *root);
int native_detect(const json_t *root);
int native_load(soc2_loader *loader, json_t *root);

/* Where the YAML reader reports its progress; `callback` may be NULL. */
typedef struct yaml_progress {
    soc2_progress_callback callback;
    void *payload;
} yaml_progress;

/* YAML (yaml.c). Parses a YAML document into the JSON tree adapters read,
 * turning CloudFormation short-form tags (!Ref x, !Sub ..., !GetAtt a.b)
 * into their long form ({"Ref": "x"}, ...), and records the 1-based line and
 * column of every value by JSON pointer in a new map of pos_entry (free it
 * with positions_free). Reports SOC2_PROGRESS_PARSE to `progress`. Returns
 * SOC2_OK, or SOC2_EPARSE with the line and column of malformed YAML,
 * SOC2_ELIMIT past the nesting or alias limits, SOC2_EUSER when the progress
 * callback cancelled, SOC2_ENOMEM. */
int yaml_to_json(const char *name, const char *text, size_t length,
                 const yaml_progress *progress, json_t **out, strmap **positions);

/* Finds the position recorded for `pointer`, or for its nearest ancestor
 * that has one. Returns 0, or -1 when none has. */
int positions_find(const strmap *positions, const char *pointer, int *line, int *column);
void positions_free(strmap *positions);

/* Folds split configuration resources onto the resources they configure
 * (see fold.c). Runs after references are resolved. */
int fold_document(soc2_loader *loader);

#endif
