/* The compiled form of a declarative rule's condition: what compile.c builds
 * from the rule JSON and eval/condition.c evaluates. docs/rule-language.md
 * describes the JSON each node comes from. */
#ifndef SOC2_RULES_CONDITION_H
#define SOC2_RULES_CONDITION_H

#include <jansson.h>

#include "ops.h"
#include "../util/path.h"

typedef enum cond_kind {
    COND_ALL_OF,
    COND_ANY_OF,
    COND_NOT,
    COND_COMPARE,
    COND_DOMAIN,
    COND_QUANTIFIER
} cond_kind;

typedef enum cmp_op {
    CMP_EQ,
    CMP_NE,
    CMP_IN,
    CMP_NOT_IN,
    CMP_LT,
    CMP_LE,
    CMP_GT,
    CMP_GE,
    CMP_EXISTS,
    CMP_ABSENT,
    CMP_EMPTY,
    CMP_NOT_EMPTY,
    CMP_STARTS_WITH,
    CMP_ENDS_WITH,
    CMP_CONTAINS,
    CMP_MATCHES
} cmp_op;

typedef enum quantifier {
    QUANT_ANY,
    QUANT_ALL,
    QUANT_NONE,
    QUANT_COUNT
} quantifier;

typedef enum source_kind {
    SOURCE_LIST,       /* elements of a list attribute of the current value */
    SOURCE_FOLLOW,     /* resources an attribute of the current resource refers to */
    SOURCE_REFERRERS,  /* resources that refer to the current resource */
    SOURCE_MATCH,      /* resources whose attribute equals one of ours */
    SOURCE_RESOURCES   /* every resource of the snapshot of given types */
} source_kind;

/* Pseudo attributes that name a property of the resource, not a value. */
typedef enum pseudo_attribute {
    PSEUDO_NONE,
    PSEUDO_TYPE,   /* "@type" */
    PSEUDO_ADDRESS /* "@address" */
} pseudo_attribute;

/* One pair of a MATCH source: our attribute and theirs must be equal. */
typedef struct match_pair {
    attr_path local;
    attr_path remote;
} match_pair;

typedef struct cond_source {
    source_kind kind;
    attr_path path;      /* LIST: the list; FOLLOW: our attribute; REFERRERS:
                            their attribute (empty = any) */
    match_pair *pairs;   /* MATCH: every pair must match */
    size_t pair_count;
    char **types;     /* candidate types; none means any type */
    size_t type_count;
    char **exclude_types;
    size_t exclude_count;
} cond_source;

typedef struct condition condition;

struct condition {
    cond_kind kind;
    char *pointer; /* where the node is in the rule's JSON, for messages */
    union {
        struct {
            condition **items;
            size_t count;
        } list;
        condition *child;
        struct {
            attr_path path;
            pseudo_attribute pseudo;
            cmp_op op;
            json_t *value;
            int ignore_case;
        } compare;
        struct {
            attr_path path;
            const domain_op *op;
            void *state;
        } domain;
        struct {
            quantifier quantifier;
            cond_source source;
            condition *where; /* NULL: every element counts */
            cmp_op count_op;  /* QUANT_COUNT: compare the count ... */
            json_int_t count; /* ... with this */
        } quant;
    } u;
};

void condition_free(condition *c);

#endif
