/* IAM wildcard patterns, as the Action, NotAction, Resource and NotResource
 * elements write them: `*` matches any run of characters and `?` any one.
 * Besides matching one string, the functions below decide whether a set of
 * patterns together matches every action, every action of one service, or
 * every resource ARN, which is what the IAM operators need to know. */
#ifndef SOC2_RULES_IAM_PATTERN_H
#define SOC2_RULES_IAM_PATTERN_H

#include <stddef.h>

/* Returns whether `text` matches the action pattern `pattern`: ASCII case
 * is ignored, `*` matches any run of characters and `?` any one. */
int iam_action_matches(const char *pattern, const char *text);

/* The maximum number of characters of the patterns with a wildcard (`*` or
 * `?`) together in one coverage test. Patterns without a wildcard do not
 * count against it. */
#define IAM_COVER_MAX_WILDCARD_CHARS 65536

typedef enum iam_cover {
    IAM_COVER_NO = 0,
    IAM_COVER_YES = 1,
    /* The wildcard patterns have more than IAM_COVER_MAX_WILDCARD_CHARS
     * characters, deciding takes more than the search limits of
     * iam_pattern.c, or memory ran out. */
    IAM_COVER_UNDECIDED = -1
} iam_cover;

/* The coverage tests below take patterns without a wildcard into account,
 * but as they match one name each, they only complete wildcard patterns
 * that miss finitely many names: ["iam:??*", "iam:A", ..., "iam:Z"] matches
 * every IAM action. A set with no `*` at all never covers, and is decided
 * so whatever its size. */

/* Decides whether the union of `patterns` matches every action name
 * "<service>:<Action>", where the service prefix is lower-case letters,
 * digits and hyphens, and the action name a letter followed by letters and
 * digits, both in any case. "*", "*:*", "?*" and "**" do; ["a*", ...,
 * "z*", "0*", ..., "9*", "-*"] does as a whole, and without "-*" it does
 * not, because the service prefix may start with any of its characters. */
iam_cover iam_patterns_cover_actions(const char *const *patterns, size_t count);

/* Decides whether the union of `patterns` matches every action of the
 * service with prefix `service` (lower case, such as "iam"): "iam:*",
 * "IAM:?*", "i*" and "*" do, and so do ["iam:A*", ..., "iam:Z*"] as a
 * whole, because an action name starts with a letter. "iam:Get*" does
 * not. */
iam_cover iam_patterns_cover_service(const char *const *patterns, size_t count,
                                     const char *service);

/* Decides whether the union of `patterns` matches every resource ARN
 * "arn:<partition>:<service>:<region>:<account>:<resource>" of at least one
 * partition (aws, aws-cn, aws-us-gov and the others AWS documents). One
 * partition is enough because a policy grants access only within the
 * partition of its account, so "arn:aws:*:*:*:*" is every resource there.
 * Matching is case-sensitive, as IAM matches ARNs, and a `*` may match
 * colons: IAM lets it do so at the end of an ARN segment, and reading
 * every `*` so can only widen what a pattern is taken to match. */
iam_cover iam_patterns_cover_resources(const char *const *patterns, size_t count);

/* Returns whether some pattern matches at least one action of the service
 * with prefix `service`, such as "s3:GetObject" or "s*" for "s3". */
int iam_patterns_touch_service(const char *const *patterns, size_t count, const char *service);

/* One-pattern forms of the above; IAM_COVER_UNDECIDED counts as no. */
int iam_pattern_covers_service(const char *pattern, const char *service);
int iam_pattern_covers_all_actions(const char *pattern);

/* The sizes that decide whether a coverage test can run, for the note that
 * explains why one gave up. */
typedef struct iam_pattern_counts {
    size_t wildcard_patterns; /* patterns with `*` or `?` */
    size_t wildcard_chars;    /* their characters together */
    size_t plain_patterns;    /* patterns without a wildcard */
} iam_pattern_counts;

iam_pattern_counts iam_patterns_count(const char *const *patterns, size_t count);

#endif
