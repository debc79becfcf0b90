#pragma once

/// The plugin contract, and all a plugin author includes: `#include <warden/warden.hpp>`. The
/// helpers for particular vendors (group robots' replies, mobiles and e-mail addresses, HMAC
/// signatures) are apart, under <warden/vendor/…>: include the one you use.
#include <warden/alert.hpp>
#include <warden/alert_channel.hpp>
#include <warden/alert_sink.hpp>
#include <warden/config.hpp>
#include <warden/entry.hpp>
#include <warden/http_client.hpp>
#include <warden/json_value.hpp>
#include <warden/logger.hpp>
#include <warden/plugin.hpp>
#include <warden/solution.hpp>
#include <warden/status.hpp>
#include <warden/templates.hpp>
#include <warden/text.hpp>
#include <warden/timer_action.hpp>
#include <warden/version.hpp>
