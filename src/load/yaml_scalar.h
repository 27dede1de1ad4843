/* The YAML reader's scalars (yaml_scalar.c), for the tree builder in
 * yaml.c: the YAML 1.2 core schema and CloudFormation's function tags. */
#ifndef SOC2_LOAD_YAML_SCALAR_H
#define SOC2_LOAD_YAML_SCALAR_H

#include <jansson.h>
#include <stddef.h>

/* The kinds of value a scalar's tag requests. */
typedef enum scalar_kind {
    KIND_ANY,    /* a plain scalar without a tag: resolved by the core schema */
    KIND_STRING, /* quoted, a block scalar, or !!str, ! and CloudFormation tags */
    KIND_NULL,
    KIND_BOOL,
    KIND_INT,
    KIND_FLOAT
} scalar_kind;

/* Makes the JSON value of a scalar's text. Sets *value to NULL when the text
 * does not fit `kind`. Returns SOC2_OK or SOC2_ENOMEM. */
int yaml_scalar_to_json(const char *text, size_t length, scalar_kind kind, json_t **value);

/* Returns whether `tag` is a CloudFormation short form: "!" and a name of
 * letters and digits that starts with a capital letter, such as !Ref,
 * !GetAtt or !Base64. */
int yaml_tag_is_function(const char *tag);

#endif
