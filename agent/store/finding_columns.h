// How a finding is laid out in SQLite, shared by the agent's store and the collector's: both keep
// the same fifteen columns, the collector's after its agent_id.
#pragma once

#include "agent/findings/finding.h"
#include "agent/store/sqlite_db.h"

namespace apisensor::store {

// In this order, from the first index a statement gives them.
inline constexpr char kFindingColumns[] =
    "id, type, severity, owasp, title, description, service, endpoint, caller, first_seen, "
    "last_seen, count, evidence, k8s, caller_k8s";
inline constexpr int kFindingColumnCount = 15;

// Binds parameters ?first .. ?first+14.
void BindFinding(Statement& statement, int first, const findings::Finding& finding);

// Reads columns first .. first+14 of the current row into `out`. False when one does not hold
// what it should (an unknown severity, evidence or a workload that does not decode): the row is
// unreadable, and counted so by the caller rather than read as something it is not.
bool ReadFinding(const Statement& row, int first, findings::Finding& out);

}  // namespace apisensor::store
