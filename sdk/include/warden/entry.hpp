#pragma once

#include <warden/alert_channel.hpp>
#include <warden/plugin.hpp>
#include <warden/solution.hpp>
#include <warden/timer_action.hpp>
#include <warden/version.hpp>

#include <boost/config.hpp>

#include <cstddef>
#include <cstring>
#include <exception>
#include <memory>
#include <type_traits>

/// What a plugin library exports, through one C-linkage function named `warden_plugin_entry`.
/// The host compares `sdk_major`, `key` and `kind` with the manifest before it calls `create`.
struct warden_plugin_entry_t {
  unsigned sdk_major;
  const char* key;
  const char* kind;  ///< "solution", "alert_channel" or "timer_action"
  /// Makes one object. On failure returns nullptr and writes a message (NUL-terminated) to `error`.
  warden::Plugin* (*create)(char* error, std::size_t error_size) noexcept;
  /// Destroys an object made by `create`, inside the library that made it.
  void (*destroy)(warden::Plugin* object) noexcept;
};

#define WARDEN_PLUGIN_ENTRY_SYMBOL "warden_plugin_entry"

namespace warden::detail {

template <class T>
constexpr Kind kind_of() {
  static_assert(std::is_base_of_v<Solution, T> || std::is_base_of_v<AlertChannel, T> ||
                    std::is_base_of_v<TimerAction, T>,
                "a plugin class derives from warden::Solution, warden::AlertChannel or "
                "warden::TimerAction");
  if constexpr (std::is_base_of_v<Solution, T>)
    return Kind::solution;
  else if constexpr (std::is_base_of_v<AlertChannel, T>)
    return Kind::alert_channel;
  else
    return Kind::timer_action;
}

template <class T>
Plugin* create(char* error, std::size_t error_size) noexcept {
  auto report = [&](const char* what) {
    if (error && error_size) {
      std::strncpy(error, what, error_size - 1);
      error[error_size - 1] = '\0';
    }
  };
  try {
    return std::make_unique<T>().release();
  } catch (const std::exception& e) {
    report(e.what());  // inside the handler: the exception dies when it ends
  } catch (...) {
    report("unknown exception");
  }
  return nullptr;
}

template <class T>
void destroy(Plugin* object) noexcept {
  delete static_cast<T*>(object);
}

}  // namespace warden::detail

/// Exports a plugin: `WARDEN_PLUGIN(MyChannel, "my_channel")` once, in one source file. `key` must
/// equal the manifest's `key` (and the plugin folder's name); the kind follows from the base class.
/// `key` may be any expression yielding a `const char*` that lives as long as the library.
#define WARDEN_PLUGIN(Class, plugin_key)                                                         \
  extern "C" BOOST_SYMBOL_EXPORT const warden_plugin_entry_t* warden_plugin_entry() noexcept;    \
  extern "C" BOOST_SYMBOL_EXPORT const warden_plugin_entry_t* warden_plugin_entry() noexcept {   \
    static const warden_plugin_entry_t entry{                                                    \
        WARDEN_SDK_MAJOR, (plugin_key), ::warden::to_string(::warden::detail::kind_of<Class>()), \
        &::warden::detail::create<Class>, &::warden::detail::destroy<Class>};                    \
    return &entry;                                                                               \
  }
