/* The canonical resource model: resources, the documents they come from, and
 * the snapshot that holds them. See docs/architecture.md for how adapters
 * fill it and how rules read it. */
#ifndef SOC2_MODEL_MODEL_H
#define SOC2_MODEL_MODEL_H

#include <jansson.h>
#include <stddef.h>

#include <soc2/snapshot.h>

#include "../util/strbuf.h"
#include "../util/strmap.h"

/* A reference from an attribute of one resource to another resource:
 * Terraform configuration references, CloudFormation Ref/Fn::GetAtt, and
 * attribute values equal to another resource's ID or ARN. */
typedef struct soc2_edge {
    char *path;                    /* attribute path in the source resource */
    char *target_address;          /* target address as written, resolved to
                                      the document's namespace */
    struct soc2_resource *target;  /* NULL when no resource has that address */
    unsigned flags;                /* EDGE_* */
} soc2_edge;

/* Edge flags. */
enum {
    /* The value refers to one of several resources and the input does not
     * say which: a Terraform reference to a resource with count or for_each
     * that names no instance. Joins over such an edge are unknown. */
    EDGE_AMBIGUOUS = 1u << 0
};

/* A reference seen from its target. */
typedef struct soc2_in_edge {
    struct soc2_resource *source;
    const char *path; /* borrowed from the source's edge */
    unsigned flags;   /* the source edge's EDGE_* */
} soc2_in_edge;

/* Where a folded value came from: everything at or below `path` in the
 * parent was copied from `source`. */
typedef struct soc2_origin {
    char *path;
    struct soc2_resource *source;
} soc2_origin;

typedef struct soc2_document {
    char *name;
    soc2_format format;
    size_t index;  /* position among the snapshot's documents */
    size_t first;  /* index of its first resource in the snapshot */
    size_t count;  /* number of resources */
    /* Where to find source positions: the JSON text of the document (its
     * positions are computed from it when a report asks), or, for YAML, the
     * positions the parser recorded (JSON pointer -> pos_entry). */
    char *text;
    size_t text_length;
    strmap *positions;
} soc2_document;

/* A position recorded for a JSON pointer of a YAML document. */
typedef struct pos_entry {
    int line;
    int column;
} pos_entry;

/* Where a canonical attribute path comes from in the document: the value at
 * `path` (and below it, step for step under the same names) is the value at
 * the JSON pointer `pointer`. */
typedef struct source_entry {
    char *path;
    char *pointer;
} source_entry;

/* Resource flags. */
enum {
    /* Stands for a resource the input does not contain, made so that split
     * configuration naming it (an aws_s3_bucket_policy for a bucket defined
     * elsewhere) is still evaluated. */
    RESOURCE_PLACEHOLDER = 1u << 0,
    /* A Terraform data source: kept so that references by ID and ARN can
     * reach it, but not evaluated by rules. */
    RESOURCE_DATA_SOURCE = 1u << 1
};

struct soc2_resource {
    char *address;
    const char *type;        /* interned in the snapshot */
    const char *source_type; /* interned in the snapshot */
    const soc2_document *document;
    json_t *attrs;   /* an object; owned */
    json_t *unknown; /* mask of values unknown until apply: the same shape as
                        attrs, holding `true` where a value is unknown, pruned
                        of known parts; NULL when everything is known */
    soc2_edge *edges;
    size_t edge_count, edge_cap;
    soc2_origin *origins;
    size_t origin_count, origin_cap;
    struct soc2_resource *folded_into;
    unsigned flags;
    size_t index; /* position in the snapshot */

    /* Where the resource is in its document (a JSON pointer such as
     * "/Resources/Web"), or NULL; and where its attributes come from. */
    char *source_pointer;
    source_entry *sources;
    size_t source_count, source_cap;

    /* Built by snapshot_index(): references to this resource. */
    soc2_in_edge *in_edges;
    size_t in_count, in_cap;
};

typedef struct ptrvec {
    void **items;
    size_t count, cap;
} ptrvec;

struct soc2_snapshot {
    soc2_resource **resources;
    size_t count, cap;
    soc2_document **documents;
    size_t document_count, document_cap;
    strmap interned; /* type names -> themselves */
    size_t limit_input_bytes;
    size_t limit_resources;
    soc2_progress_callback progress; /* NULL for none */
    void *progress_payload;

    /* Indexes, valid while `indexed` is set (see snapshot_index). */
    int indexed;
    strmap by_type;     /* type -> ptrvec of resources, load order */
    strmap by_identity; /* ID, ARN or name -> ptrvec of resources */
    strmap by_arn_key;  /* arn_key_of_resource() -> ptrvec of resources */
};

int ptrvec_push(ptrvec *vec, void *item);
void ptrvec_free(ptrvec *vec);

/* Creates a resource that owns `attrs` and `unknown` (either may be NULL;
 * attrs then becomes an empty object). Types are interned in `snapshot`.
 * Returns NULL when memory runs out (and frees attrs and unknown). */
soc2_resource *resource_new(soc2_snapshot *snapshot, const char *address, const char *type,
                            const char *source_type, json_t *attrs, json_t *unknown);
void resource_free(soc2_resource *resource);

/* Records a reference at `path` to the resource with `target_address`.
 * A reference with the same path and target is recorded once; recorded
 * again without EDGE_AMBIGUOUS, it stops being ambiguous. */
int resource_add_edge(soc2_resource *resource, const char *path, const char *target_address,
                      soc2_resource *target);
int resource_add_edge_flags(soc2_resource *resource, const char *path,
                            const char *target_address, soc2_resource *target, unsigned flags);

/* Records that the values at and below `path` came from `source`. */
int resource_add_origin(soc2_resource *resource, const char *path, soc2_resource *source);

/* Returns the origin covering `path`, the longest match, or NULL. */
const soc2_origin *resource_origin_for(const soc2_resource *resource, const char *path);

/* Returns whether the resource has an edge to a resource of the snapshot
 * at `path`, below it, or above it: Terraform records a reference on a
 * whole argument (`alarm_actions`) while the plan marks each element
 * (`alarm_actions[0]`) unknown. */
int resource_has_edge_at(const soc2_resource *resource, const char *path);

/* Frees a document and what it keeps for source positions. */
void document_free(soc2_document *document);

/* Records where the resource is in its document. */
int resource_set_source(soc2_resource *resource, const char *pointer);

/* Records that the attribute at `path` comes from the JSON pointer
 * `pointer` of the document (see source_entry). A later entry for the same
 * path takes precedence over an earlier one. */
int resource_map_source(soc2_resource *resource, const char *path, const char *pointer);

/* Writes to `out` the JSON pointer the attribute at `path` comes from: the
 * longest recorded path at or above `path`, followed by the remaining steps
 * as pointer tokens. Returns 0, or -1 when nothing is recorded for it. */
int resource_source_of(const soc2_resource *resource, const char *path, strbuf *out);

/* Interns a string in the snapshot; returns NULL when memory runs out. */
const char *snapshot_intern(soc2_snapshot *snapshot, const char *s);

/* Builds the type and identity indexes, value-based edges and the reverse
 * edges of every resource. Called by soc2_evaluate before the first
 * evaluation after a load. Returns SOC2_OK or SOC2_ENOMEM. */
int snapshot_index(soc2_snapshot *snapshot);

/* Returns the resources of `type` in load order (snapshot must be indexed),
 * or NULL when there are none. */
const ptrvec *snapshot_resources_of_type(const soc2_snapshot *snapshot, const char *type);

/* Returns the resources whose ID, ARN or name is `value`, or NULL. ARNs
 * ending in ":*" (CloudWatch Logs) also match without that suffix. */
const ptrvec *snapshot_resources_by_identity(const soc2_snapshot *snapshot, const char *value);

/* ARNs that are not known (arn.c). Both functions write a key of the form
 * "<service>:<resource part>" ("sns:alarms", "iam:role/ops") to `key`.
 * arn_key_of_resource() writes the key that the resource's name decides,
 * when its own `arn` is not known and its type's ARN is built from its
 * name. arn_key_of_text() writes the key of an ARN written as text. Each
 * returns 1 with the key, 0 when there is none, or -1 when memory runs
 * out. */
int arn_key_of_resource(const soc2_resource *resource, strbuf *key);
int arn_key_of_text(const char *text, strbuf *key);

/* Marks the value at `steps` (a path) of a mask tree as unknown, creating
 * the containers on the way. `*mask` may be NULL (a new object is made).
 * Returns 0 or -1 when memory runs out. */
int mask_mark_unknown(json_t **mask, const char *path);

/* Removes the parts of a mask that mark nothing unknown (false leaves and
 * containers left empty). Returns the pruned mask (NULL when nothing is
 * unknown); consumes the reference it is given. */
json_t *mask_prune(json_t *mask);

#endif
