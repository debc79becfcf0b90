#pragma once

/// The SDK's major version. A plugin's manifest `sdk` field and the value its entry point reports
/// must both equal the host's major, or the host refuses the plugin. Minor changes never break the
/// ABI.
#define WARDEN_SDK_MAJOR 1
#define WARDEN_SDK_MINOR 0
