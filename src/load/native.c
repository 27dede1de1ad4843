/* PLACEHOLDER: replaced by the native adapter. */
#include "loader.h"
int native_detect(const json_t *root) { (void)root; return 0; }
int native_load(soc2_loader *loader, json_t *root) { (void)root; return loader_fail(loader, SOC2_EFORMAT, NULL, "not implemented"); }
