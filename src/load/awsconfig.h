/* The AWS Config adapter's internal interface. awsconfig.c reads the
 * document (a configuration snapshot or a Config API output), chooses the
 * configuration items that describe existing resources and creates them.
 * awsconfig_map.c maps an item's configuration and supplementary
 * configuration onto the canonical model, as the table in
 * src/load/mappings/aws-config.json describes (awsconfig_table.c loads it).
 * awsconfig_place.c keeps track of where values are in the document. */
#ifndef SOC2_LOAD_AWSCONFIG_H
#define SOC2_LOAD_AWSCONFIG_H

#include <jansson.h>

#include "loader.h"
#include "../util/strbuf.h"

/* The parsed mapping table. */
typedef struct awsconfig_mapping {
    json_t *root;   /* owned */
    json_t *types;  /* borrowed from root: AWS resource type -> type entry */
    json_t *shapes; /* borrowed from root: shape name -> shape */
    json_t *item;   /* borrowed from root: item member -> attribute, or NULL */
} awsconfig_mapping;

/* Parses and checks the built-in mapping table. Returns SOC2_OK, SOC2_ENOMEM
 * or SOC2_ERROR (with a message naming the faulty entry). */
int awsconfig_mapping_load(awsconfig_mapping *mapping);
void awsconfig_mapping_free(awsconfig_mapping *mapping);

/* Returns the shape a rule's "block" or "inline" names: an entry of
 * "shapes" for a string, the value itself for an object, or NULL. */
const json_t *awsconfig_lookup_shape(const awsconfig_mapping *mapping, const json_t *value);

/* Returns the canonical type for an AWS resource type, or NULL when the
 * table does not map it. */
const char *awsconfig_mapping_type(const awsconfig_mapping *mapping, const char *aws_type);

/* Where a value of the document is: the JSON pointer of the value, or,
 * for a value parsed out of a JSON string, the pointer of that string and
 * the pointer of the value inside the parsed text. */
typedef struct awsconfig_place {
    strbuf pointer; /* in the document */
    strbuf inner;   /* inside the parsed string; used when `in_string` */
    int in_string;
} awsconfig_place;

/* Where an attribute of the resource being mapped comes from. */
typedef struct awsconfig_source {
    char *path;
    char *pointer;
} awsconfig_source;

/* The attributes of one resource and where each comes from. */
typedef struct awsconfig_attrs {
    json_t *attrs; /* owned object */
    awsconfig_source *sources;
    size_t source_count, source_cap;
} awsconfig_attrs;

void awsconfig_attrs_free(awsconfig_attrs *attrs);

/* Records that the attribute at `path` comes from the value at `place`.
 * Inside a parsed JSON string, every path below `path` in `value` (the
 * attribute's value, or NULL) is recorded at the string's pointer too,
 * because positions inside the string do not exist in the document.
 * Returns 0 or -1 when memory runs out. */
int awsconfig_attrs_source(awsconfig_attrs *attrs, const char *path,
                           const awsconfig_place *place, const json_t *value);

/* Maps an item onto the attributes of its resource type. `configuration`
 * (an object, at `configuration_place`) and `supplementary` (an object
 * whose string values holding JSON are parsed, at `supplementary_place`,
 * or NULL) are mapped by the type's entry of the table. Returns SOC2_OK,
 * SOC2_ENOMEM, or SOC2_EFORMAT through loader_fail() for a value the table
 * expects to be an object or a list of objects, or a URL-encoded document
 * that does not decode. */
int awsconfig_map_item(soc2_loader *loader, const awsconfig_mapping *mapping,
                       const char *aws_type, json_t *configuration,
                       awsconfig_place *configuration_place, json_t *supplementary,
                       awsconfig_place *supplementary_place, awsconfig_attrs *out);

/* Returns whether jansson fails to allocate now (see awsconfig_place.c). */
int awsconfig_out_of_memory(void);

/* Parses `text` as JSON of any kind. Returns a new reference, or NULL when
 * the text is not JSON (or memory runs out, and *nomem is then set). */
json_t *awsconfig_parse_string(const char *text, size_t length, int *nomem);

/* Records an SOC2_EFORMAT error at `place`: at its pointer, naming the
 * place inside a parsed string in the message when there is one. */
int awsconfig_fail(soc2_loader *loader, const awsconfig_place *place, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Place helpers. awsconfig_place_step() and awsconfig_place_index() extend
 * the place by one reference token and return the length to truncate back
 * to with awsconfig_place_restore(). */
void awsconfig_place_init(awsconfig_place *place);
void awsconfig_place_free(awsconfig_place *place);
/* Initializes `to` as a copy of `from`. Returns 0 or -1 when memory runs
 * out (`to` must still be freed). */
int awsconfig_place_copy(awsconfig_place *to, const awsconfig_place *from);
size_t awsconfig_place_step(awsconfig_place *place, const char *key);
size_t awsconfig_place_index(awsconfig_place *place, size_t index);
void awsconfig_place_restore(awsconfig_place *place, size_t mark);
int awsconfig_place_failed(const awsconfig_place *place);

#endif
