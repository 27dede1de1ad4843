/* Comparing CloudFormation symbols (see src/load/cfn.h): strings such as
 * "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess" that stand for a
 * value the stack fills in at deployment. */
#ifndef SOC2_EVAL_SYMBOL_H
#define SOC2_EVAL_SYMBOL_H

/* Calls `fn` with every value the symbol can take, when each placeholder
 * is a pseudo parameter with a known set of values (AWS::Partition,
 * AWS::URLSuffix). Stops early when `fn` returns nonzero. Returns 0, or -1
 * when a placeholder can be any text (AWS::AccountId, a resource's ARN) or
 * memory runs out: the symbol's values cannot be listed then. */
int symbol_expand(const char *symbol, int (*fn)(const char *value, void *ctx), void *ctx);

#endif
