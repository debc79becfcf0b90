#pragma once

#include "job_tracker.hpp"

#include <string>
#include <vector>

namespace warden::plugins::flink {

/// The jobs of a GET /jobs/overview answer ({"jobs": [{"jid", "name", "state", "start-time",
/// "end-time", "duration", …}, …]}), read as the parser goes rather than through a document: a
/// poll of thousands of jobs would otherwise build and free an object per job and per field.
/// An entry without "jid" or "state" is skipped. Throws Poco::Exception when the text is not
/// JSON, std::invalid_argument when it has no "jobs" list.
std::vector<JobObservation> read_overview(const std::string& body);

}  // namespace warden::plugins::flink
