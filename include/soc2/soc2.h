/**
 * @file soc2/soc2.h
 * @brief Umbrella header: includes every public libsoc2 header.
 *
 * Typical use: create an engine and add rules (soc2/engine.h), create a
 * snapshot and load inputs (soc2/snapshot.h), evaluate (soc2/report.h), then
 * iterate the findings or write the report (soc2/writer.h). docs/api.md walks
 * through it.
 */
#ifndef SOC2_SOC2_H
#define SOC2_SOC2_H

#include "common.h"
#include "error.h"
#include "version.h"
#include "progress.h"
#include "snapshot.h"
#include "resource.h"
#include "rule.h"
#include "engine.h"
#include "report.h"
#include "writer.h"

#endif
