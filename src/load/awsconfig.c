/* PLACEHOLDER: replaced by the awsconfig adapter. */
#include "loader.h"
int awsconfig_detect(const json_t *root) { (void)root; return 0; }
int awsconfig_load(soc2_loader *loader, json_t *root) { (void)root; return loader_fail(loader, SOC2_EFORMAT, NULL, "not implemented"); }
