/* IAM wildcard patterns (iam_pattern.h).
 *
 * Whether a set of patterns matches every action or every ARN is decided
 * exactly for the names the grammars below describe, not by trying sample
 * names. Each grammar is a small automaton over character classes, and a
 * breadth-first search walks every triple of (grammar state, set of
 * wildcard pattern positions, node of the plain names) that some name
 * reaches. The patterns cover the grammar when no accepted name leaves the
 * set without a pattern's final position and is not a plain name.
 * Characters that appear in no pattern behave alike, so each class is tried
 * with the characters the patterns name plus one other.
 *
 * Patterns without wildcards ("plain names") match one name each, so they
 * stay out of the position sets. They are kept in a sorted array, and a
 * node is the range of it that starts with the name read so far. They cost
 * the search a state only for a prefix that some plain name starts with.
 *
 * The search gives up with IAM_COVER_UNDECIDED when the wildcard patterns
 * have more than IAM_COVER_MAX_WILDCARD_CHARS characters, or beyond
 * MAX_STATES states, MAX_STATE_WORDS words of states or MAX_WORK bitset
 * words read. */
#include "iam_pattern.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STATES (1u << 18)
#define MAX_WORK 50000000u         /* bitset words visited over one search */
#define MAX_STATE_WORDS (1u << 21) /* words of all states together: 16 MiB */

/* Matching one string. */

static int same_char(char pattern, char c, int fold)
{
    if (fold)
        return tolower((unsigned char)pattern) == tolower((unsigned char)c);
    return pattern == c;
}

int iam_action_matches(const char *pattern, const char *text)
{
    /* The usual backtracking glob match: on a mismatch, let the last `*`
     * take one more character. */
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*pattern == '*') {
            star = pattern++;
            resume = text;
        } else if (*pattern && (*pattern == '?' || same_char(*pattern, *text, 1))) {
            pattern++;
            text++;
        } else if (star) {
            pattern = star + 1;
            text = ++resume;
        } else {
            return 0;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

/* Grammars of the names patterns are tested against. */

/* A transition on any character of `chars`, or on any byte but NUL when
 * `chars` is NULL. */
typedef struct grammar_edge {
    unsigned char from, to;
    const char *chars;
} grammar_edge;

typedef struct grammar {
    const grammar_edge *edges;
    size_t edge_count;
    unsigned accepting; /* bit s set: state s accepts */
} grammar;

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define DIGITS "0123456789"

/* Every state of the grammars below reaches an accepting state that loops,
 * so each state accepts infinitely many continuations. search_run() relies
 * on that: once no wildcard pattern can match any longer, the finitely many
 * plain names leave some accepted name unmatched. */

/* "<service>:<Action>", folded to lower case, because IAM compares both
 * parts ignoring case. A service prefix is lower-case letters, digits and
 * hyphens ("s3", "aws-marketplace"). An action name starts with a letter
 * and continues with letters and digits, as API operation names do
 * ("GetObject", "ListAllMyBuckets").
 * NOTE: an action outside this alphabet, should AWS add one, is not
 * checked, so patterns that miss only such names count as covering. */
static const grammar_edge action_edges[] = {
    {0, 1, LOWER DIGITS "-"}, {1, 1, LOWER DIGITS "-"}, {1, 2, ":"},
    {2, 3, LOWER},            {3, 3, LOWER DIGITS},
};
static const grammar action_grammar = {action_edges, 5, 1u << 3};
enum { ACTION_NAME_STATE = 2 };

/* The rest of an ARN after "arn:<partition>:": "<service>:<region>:
 * <account>:<resource>". The region and account may be empty (S3 and IAM
 * ARNs), the account may be "aws" (AWS managed policies), and the resource
 * may hold any character. */
static const grammar_edge arn_edges[] = {
    {0, 1, LOWER DIGITS "-"}, {1, 1, LOWER DIGITS "-"}, {1, 2, ":"},
    {2, 2, LOWER DIGITS "-"}, {2, 3, ":"},              {3, 3, LOWER DIGITS},
    {3, 4, ":"},              {4, 5, NULL},             {5, 5, NULL},
};
static const grammar arn_grammar = {arn_edges, 9, 1u << 5};

/* The partitions AWS documents for ARNs. */
static const char *const partitions[] = {
    "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
};

/* The plain names, sorted by byte so that the names starting with any one
 * prefix are a range of the array. */

typedef struct plain_name {
    const char *text; /* folded to lower case when matching ignores case */
    size_t length;
} plain_name;

/* The plain names that start with the `depth` characters read so far:
 * names[lo, hi), or none when lo == hi, which is stored as {0, 0, 0}. */
typedef struct name_node {
    uint64_t lo, hi, depth;
} name_node;

static int plain_name_order(const void *a, const void *b)
{
    const plain_name *x = a, *y = b;
    size_t common = x->length < y->length ? x->length : y->length;
    int order = memcmp(x->text, y->text, common);
    if (order != 0)
        return order;
    return x->length < y->length ? -1 : x->length > y->length;
}

/* The character at `depth` of a name, or -1 when the name ends before it,
 * which sorts a name before the longer names it starts. */
static int char_at(const plain_name *name, size_t depth)
{
    return name->length > depth ? (unsigned char)name->text[depth] : -1;
}

/* Returns the first index in [lo, hi) whose char_at(depth) is at least
 * `c`; char_at() does not decrease over a node's range. */
static size_t first_at_least(const plain_name *names, size_t lo, size_t hi, size_t depth, int c)
{
    while (lo < hi) {
        size_t middle = lo + (hi - lo) / 2;
        if (char_at(&names[middle], depth) < c)
            lo = middle + 1;
        else
            hi = middle;
    }
    return lo;
}

/* The patterns: those with a wildcard as one automaton, where position j
 * of their concatenation is program[j] and '\0' marks each pattern's final
 * position, and the plain names apart. */

typedef struct matcher {
    char *program;
    size_t positions;
    size_t words; /* uint64_t words of a position set */
    uint64_t *finals;
    uint64_t *open_ends; /* positions of a `*` that ends its pattern */
    unsigned char named[256]; /* named[c]: some pattern has c as a literal */
    int fold;
    int has_star;
    plain_name *names;
    size_t name_count;
    char *name_text; /* the folded copies the names point into */
} matcher;

static void set_bit(uint64_t *set, size_t j)
{
    set[j / 64] |= (uint64_t)1 << (j % 64);
}

static void name_chars(matcher *m, const char *text, size_t length)
{
    for (size_t j = 0; j < length; j++) {
        unsigned char p = (unsigned char)text[j];
        if (p == '*' || p == '?')
            continue;
        m->named[p] = 1;
        if (m->fold)
            m->named[tolower(p)] = m->named[toupper(p)] = 1;
    }
}

/* Reads the patterns. With `split`, a pattern without `*` or `?` joins the
 * plain names; without it, every pattern joins the automaton. Sets
 * m->has_star first, whatever happens next. Returns 0, or -1 when the
 * automaton's patterns have more than IAM_COVER_MAX_WILDCARD_CHARS
 * characters or memory runs out. Call matcher_free() either way. */
static int matcher_init(matcher *m, const char *const *patterns, size_t count, int fold,
                        int split)
{
    memset(m, 0, sizeof(*m));
    m->fold = fold;
    size_t wildcard_chars = 0, plain_chars = 0;
    for (size_t i = 0; i < count; i++) {
        size_t length = strlen(patterns[i]);
        if (split && !strpbrk(patterns[i], "*?")) {
            m->name_count++;
            plain_chars += length;
            continue;
        }
        m->has_star |= memchr(patterns[i], '*', length) != NULL;
        wildcard_chars += length;
        m->positions += length + 1;
    }
    if (wildcard_chars > IAM_COVER_MAX_WILDCARD_CHARS)
        return -1;

    m->words = m->positions / 64 + 1;
    m->program = malloc(m->positions + 1);
    m->finals = calloc(m->words, sizeof(uint64_t));
    m->open_ends = calloc(m->words, sizeof(uint64_t));
    m->names = malloc((m->name_count ? m->name_count : 1) * sizeof(*m->names));
    m->name_text = malloc(plain_chars + 1);
    if (!m->program || !m->finals || !m->open_ends || !m->names || !m->name_text)
        return -1;

    size_t j = 0, n = 0;
    char *text = m->name_text;
    for (size_t i = 0; i < count; i++) {
        size_t length = strlen(patterns[i]);
        name_chars(m, patterns[i], length);
        if (split && !strpbrk(patterns[i], "*?")) {
            for (size_t k = 0; k < length; k++)
                text[k] = fold ? (char)tolower((unsigned char)patterns[i][k]) : patterns[i][k];
            m->names[n].text = text;
            m->names[n++].length = length;
            text += length;
            continue;
        }
        memcpy(m->program + j, patterns[i], length);
        j += length;
        m->program[j] = '\0';
        set_bit(m->finals, j);
        if (length > 0 && patterns[i][length - 1] == '*')
            set_bit(m->open_ends, j - 1);
        j++;
    }
    qsort(m->names, m->name_count, sizeof(*m->names), plain_name_order);
    return 0;
}

static void matcher_free(matcher *m)
{
    free(m->program);
    free(m->finals);
    free(m->open_ends);
    free(m->names);
    free(m->name_text);
}

/* The node of the empty prefix: every plain name. */
static name_node root_node(const matcher *m)
{
    name_node node = {0, m->name_count, 0};
    if (m->name_count == 0)
        node.hi = 0;
    return node;
}

/* Reads the character `c` from `node`. */
static name_node node_step(const matcher *m, name_node node, char c)
{
    name_node none = {0, 0, 0};
    if (node.lo == node.hi)
        return none;
    int key = (unsigned char)(m->fold ? tolower((unsigned char)c) : c);
    size_t lo = first_at_least(m->names, node.lo, node.hi, node.depth, key);
    size_t hi = first_at_least(m->names, lo, node.hi, node.depth, key + 1);
    if (lo == hi)
        return none;
    name_node next = {lo, hi, node.depth + 1};
    return next;
}

/* Returns whether the prefix read into `node` is itself a plain name. */
static int node_is_name(const matcher *m, name_node node)
{
    return node.lo < node.hi && m->names[node.lo].length == node.depth;
}

/* Adds to `set` the positions a `*` reaches without reading: the one after
 * each star in the set, repeatedly. */
static void close_stars(const matcher *m, uint64_t *set)
{
    for (size_t w = 0; w < m->words; w++) {
        uint64_t word = set[w];
        while (word) {
            size_t j = w * 64 + (size_t)__builtin_ctzll(word);
            word &= word - 1;
            if (m->program[j] != '*')
                continue;
            set_bit(set, j + 1);
            if ((j + 1) / 64 == w)
                word |= (uint64_t)1 << ((j + 1) % 64);
        }
    }
}

/* Sets `set` to the start of every pattern. */
static void start_set(const matcher *m, uint64_t *set)
{
    memset(set, 0, m->words * sizeof(uint64_t));
    if (m->positions == 0)
        return;
    set_bit(set, 0);
    for (size_t j = 0; j + 1 < m->positions; j++)
        if (m->program[j] == '\0')
            set_bit(set, j + 1);
    close_stars(m, set);
}

/* Reads the character `c` from `from` into `to`. */
static void step(const matcher *m, const uint64_t *from, uint64_t *to, char c)
{
    memset(to, 0, m->words * sizeof(uint64_t));
    for (size_t w = 0; w < m->words; w++) {
        uint64_t word = from[w];
        while (word) {
            size_t j = w * 64 + (size_t)__builtin_ctzll(word);
            word &= word - 1;
            char p = m->program[j];
            if (p == '*')
                set_bit(to, j);
            else if (p != '\0' && (p == '?' || same_char(p, c, m->fold)))
                set_bit(to, j + 1);
        }
    }
    close_stars(m, to);
}

static int any_final(const matcher *m, const uint64_t *set)
{
    for (size_t w = 0; w < m->words; w++)
        if (set[w] & m->finals[w])
            return 1;
    return 0;
}

/* Returns whether some pattern in `set` matches whatever follows, because
 * it is at a `*` that ends it. */
static int any_open_end(const matcher *m, const uint64_t *set)
{
    for (size_t w = 0; w < m->words; w++)
        if (set[w] & m->open_ends[w])
            return 1;
    return 0;
}

static int is_empty(const matcher *m, const uint64_t *set)
{
    for (size_t w = 0; w < m->words; w++)
        if (set[w])
            return 0;
    return 1;
}

/* Fills `out` (room for 255) with the characters worth trying for a class:
 * its members that are literals of the patterns, and one member that is
 * not, because all such members lead to the same positions. Returns how
 * many. */
static size_t class_representatives(const matcher *m, const char *chars, unsigned char *out)
{
    size_t count = 0;
    int have_other = 0;
    for (unsigned c = 1; c < 256; c++) {
        if (chars && !strchr(chars, (int)c))
            continue;
        if (m->named[c]) {
            out[count++] = (unsigned char)c;
        } else if (!have_other) {
            out[count++] = (unsigned char)c;
            have_other = 1;
        }
    }
    return count;
}

/* The search: a set of states, each STATE_HEADER words (the grammar state
 * and the name node's lo, hi and depth) followed by a position set, kept in
 * an array that is also the breadth-first queue. */

enum { STATE_HEADER = 4 };

typedef struct search {
    size_t stride; /* uint64_t words per state */
    uint64_t *states;
    size_t count, capacity, limit;
    size_t *table; /* open addressing: state index + 1, or 0; 2 * capacity slots */
} search;

static size_t state_slot(const search *s, const uint64_t *state)
{
    uint64_t h = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < s->stride; i++) {
        h ^= state[i];
        h *= 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    return (size_t)h & (2 * s->capacity - 1);
}

static void table_insert(search *s, size_t index)
{
    size_t slot = state_slot(s, s->states + index * s->stride);
    while (s->table[slot])
        slot = (slot + 1) & (2 * s->capacity - 1);
    s->table[slot] = index + 1;
}

/* Doubles the capacity. Returns 0, or -1 at the limit or out of memory. */
static int search_grow(search *s)
{
    size_t capacity = s->capacity ? 2 * s->capacity : 64;
    if (capacity > s->limit)
        return -1;
    uint64_t *states = realloc(s->states, capacity * s->stride * sizeof(uint64_t));
    if (!states)
        return -1;
    s->states = states;
    size_t *table = calloc(2 * capacity, sizeof(size_t));
    if (!table)
        return -1;
    free(s->table);
    s->table = table;
    s->capacity = capacity;
    for (size_t i = 0; i < s->count; i++)
        table_insert(s, i);
    return 0;
}

/* Adds `state` unless it is known. Returns 0, or -1 at the limits. */
static int search_add(search *s, const uint64_t *state)
{
    if (s->capacity) {
        size_t slot = state_slot(s, state);
        while (s->table[slot]) {
            const uint64_t *known = s->states + (s->table[slot] - 1) * s->stride;
            if (memcmp(known, state, s->stride * sizeof(uint64_t)) == 0)
                return 0;
            slot = (slot + 1) & (2 * s->capacity - 1);
        }
    }
    if (s->count == s->capacity && search_grow(s) < 0)
        return -1;
    memcpy(s->states + s->count * s->stride, state, s->stride * sizeof(uint64_t));
    table_insert(s, s->count++);
    return 0;
}

static void state_write(uint64_t *state, unsigned grammar_state, name_node node)
{
    state[0] = grammar_state;
    state[1] = node.lo;
    state[2] = node.hi;
    state[3] = node.depth;
}

static name_node state_node(const uint64_t *state)
{
    name_node node = {state[1], state[2], state[3]};
    return node;
}

/* Decides whether every name the grammar accepts from `start_state` is
 * matched, starting from the position set `start` and the name node
 * `start_node`. */
static iam_cover search_run(const matcher *m, const grammar *g, unsigned start_state,
                            name_node start_node, const uint64_t *start)
{
    search s = {m->words + STATE_HEADER, NULL, 0, 0, MAX_STATES, NULL};
    if (s.limit > MAX_STATE_WORDS / s.stride)
        s.limit = MAX_STATE_WORDS / s.stride;
    uint64_t *next = malloc(s.stride * sizeof(uint64_t));
    unsigned char *chars = malloc(256 * g->edge_count);
    size_t *char_counts = malloc(g->edge_count * sizeof(size_t));
    iam_cover verdict = IAM_COVER_UNDECIDED;
    if (!next || !chars || !char_counts)
        goto done;

    for (size_t e = 0; e < g->edge_count; e++)
        char_counts[e] = class_representatives(m, g->edges[e].chars, chars + 256 * e);

    state_write(next, start_state, start_node);
    memcpy(next + STATE_HEADER, start, m->words * sizeof(uint64_t));
    if (search_add(&s, next) < 0)
        goto done;

    size_t work = 0;
    verdict = IAM_COVER_YES;
    for (size_t i = 0; i < s.count && verdict == IAM_COVER_YES; i++) {
        unsigned from = (unsigned)s.states[i * s.stride];
        name_node node = state_node(s.states + i * s.stride);
        const uint64_t *set = s.states + i * s.stride + STATE_HEADER;

        /* With no wildcard pattern left, the grammar still accepts
         * infinitely many names from here and the plain names are finite. */
        if (is_empty(m, set) ||
            ((g->accepting >> from & 1u) && !any_final(m, set) && !node_is_name(m, node))) {
            verdict = IAM_COVER_NO;
            break;
        }
        if (any_open_end(m, set))
            continue; /* every name from here on is matched */

        for (size_t e = 0; e < g->edge_count && verdict == IAM_COVER_YES; e++) {
            if (g->edges[e].from != from)
                continue;
            for (size_t k = 0; k < char_counts[e]; k++) {
                work += s.stride;
                if (work > MAX_WORK) {
                    verdict = IAM_COVER_UNDECIDED;
                    break;
                }
                /* The array may move as it grows, so the state is found
                 * through its index each time. */
                char c = (char)chars[256 * e + k];
                state_write(next, g->edges[e].to, node_step(m, node, c));
                step(m, s.states + i * s.stride + STATE_HEADER, next + STATE_HEADER, c);
                if (search_add(&s, next) < 0) {
                    verdict = IAM_COVER_UNDECIDED;
                    break;
                }
            }
        }
    }

done:
    free(s.states);
    free(s.table);
    free(next);
    free(chars);
    free(char_counts);
    return verdict;
}

/* Runs the search on the names that start with `prefix`, which the grammar
 * reads into `state`. */
static iam_cover cover_after(const matcher *m, const grammar *g, unsigned state,
                             const char *prefix)
{
    uint64_t *set = malloc(m->words * sizeof(uint64_t));
    uint64_t *scratch = malloc(m->words * sizeof(uint64_t));
    iam_cover verdict = IAM_COVER_UNDECIDED;
    if (set && scratch) {
        name_node node = root_node(m);
        start_set(m, set);
        for (const char *c = prefix; *c; c++) {
            node = node_step(m, node, *c);
            step(m, set, scratch, *c);
            memcpy(set, scratch, m->words * sizeof(uint64_t));
        }
        verdict = search_run(m, g, state, node, set);
    }
    free(set);
    free(scratch);
    return verdict;
}

/* Patterns without `*` match finitely many names, so they never cover a
 * grammar, whatever their number. That is so even when they are too long
 * to read. */

iam_cover iam_patterns_cover_actions(const char *const *patterns, size_t count)
{
    matcher m;
    int status = matcher_init(&m, patterns, count, 1, 1);
    iam_cover verdict = IAM_COVER_NO;
    if (m.has_star)
        verdict = status < 0 ? IAM_COVER_UNDECIDED : cover_after(&m, &action_grammar, 0, "");
    matcher_free(&m);
    return verdict;
}

iam_cover iam_patterns_cover_service(const char *const *patterns, size_t count,
                                     const char *service)
{
    size_t length = strlen(service);
    char *prefix = malloc(length + 2);
    matcher m;
    int status = matcher_init(&m, patterns, count, 1, 1);
    iam_cover verdict = IAM_COVER_NO;
    if (m.has_star) {
        verdict = IAM_COVER_UNDECIDED;
        if (status == 0 && prefix) {
            memcpy(prefix, service, length);
            memcpy(prefix + length, ":", 2);
            verdict = cover_after(&m, &action_grammar, ACTION_NAME_STATE, prefix);
        }
    }
    matcher_free(&m);
    free(prefix);
    return verdict;
}

iam_cover iam_patterns_cover_resources(const char *const *patterns, size_t count)
{
    matcher m;
    int status = matcher_init(&m, patterns, count, 0, 1);
    iam_cover verdict = IAM_COVER_NO;
    if (m.has_star && status < 0)
        verdict = IAM_COVER_UNDECIDED;
    for (size_t i = 0; m.has_star && status == 0 && i < sizeof(partitions) / sizeof(partitions[0]);
         i++) {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "arn:%s:", partitions[i]);
        iam_cover partition_verdict = cover_after(&m, &arn_grammar, 0, prefix);
        if (partition_verdict == IAM_COVER_YES) {
            verdict = IAM_COVER_YES;
            break;
        }
        if (partition_verdict == IAM_COVER_UNDECIDED)
            verdict = IAM_COVER_UNDECIDED;
    }
    matcher_free(&m);
    return verdict;
}

/* Returns whether the pattern rest `p` matches some action name: it is not
 * empty, holds only wildcards, letters and digits, and does not start with
 * a digit, because a name starts with a letter. */
static int matches_some_name(const char *p)
{
    if (!*p || isdigit((unsigned char)*p))
        return 0;
    for (; *p; p++)
        if (*p != '*' && *p != '?' && !isalnum((unsigned char)*p))
            return 0;
    return 1;
}

int iam_patterns_touch_service(const char *const *patterns, size_t count, const char *service)
{
    for (size_t i = 0; i < count; i++) {
        /* Where the pattern can be after "<service>:", and whether the
         * rest from there matches a name. */
        const char *pattern = patterns[i];
        size_t length = strlen(pattern);
        matcher m;
        if (matcher_init(&m, &pattern, 1, 1, 0) < 0) {
            matcher_free(&m);
            return 1;
        }
        uint64_t *set = calloc(m.words, sizeof(uint64_t));
        uint64_t *scratch = calloc(m.words, sizeof(uint64_t));
        int touches = !set || !scratch;
        if (!touches) {
            start_set(&m, set);
            for (const char *c = service; *c; c++) {
                step(&m, set, scratch, *c);
                memcpy(set, scratch, m.words * sizeof(uint64_t));
            }
            step(&m, set, scratch, ':');
            for (size_t j = 0; j <= length && !touches; j++)
                touches = (scratch[j / 64] >> (j % 64) & 1u) && matches_some_name(pattern + j);
        }
        free(set);
        free(scratch);
        matcher_free(&m);
        if (touches)
            return 1;
    }
    return 0;
}

int iam_pattern_covers_service(const char *pattern, const char *service)
{
    return iam_patterns_cover_service(&pattern, 1, service) == IAM_COVER_YES;
}

int iam_pattern_covers_all_actions(const char *pattern)
{
    return iam_patterns_cover_actions(&pattern, 1) == IAM_COVER_YES;
}

iam_pattern_counts iam_patterns_count(const char *const *patterns, size_t count)
{
    iam_pattern_counts counts = {0, 0, 0};
    for (size_t i = 0; i < count; i++) {
        if (strpbrk(patterns[i], "*?")) {
            counts.wildcard_patterns++;
            counts.wildcard_chars += strlen(patterns[i]);
        } else {
            counts.plain_patterns++;
        }
    }
    return counts;
}
