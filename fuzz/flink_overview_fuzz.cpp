// The Flink monitor's reader of GET /jobs/overview (plugins/flink_jobs_monitor/overview_reader):
// any answer is read, or refused with Poco::Exception or std::invalid_argument.
#include "fuzz/fuzz_input.hpp"
#include "plugins/flink_jobs_monitor/overview_reader.hpp"

#include <Poco/Exception.h>

#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)warden::plugins::flink::read_overview(std::string(warden::fuzz::as_text(data, size)));
  } catch (const Poco::Exception&) {
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
