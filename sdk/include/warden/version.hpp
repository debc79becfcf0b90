#pragma once

/// The plugin SDK's version: what a plugin built with these headers may expect of a host.
///
/// What the host checks: the manifest's `sdk` field and the major a library's entry point reports
/// must both equal the host's WARDEN_SDK_MAJOR, or the plugin is refused (the library is not even
/// opened when the manifest disagrees). A major changes when the binary contract does.
///
/// What the host cannot check, and a plugin still needs: plugin and host pass C++ objects to each
/// other (std::string, std::vector, std::function, Poco::JSON::Object::Ptr, virtual calls), so a
/// plugin must be built with the host's compiler (the same g++ major), against the same libstdc++
/// (its C++11 ABI), and with the same Poco release the host links (Poco's shared libraries change
/// their ABI between its releases: build against the host's distribution's libpoco-dev). Built
/// otherwise, a plugin may load and then corrupt memory. The installed CMake package
/// (find_package(WardenSDK)) warns when the compiler or Poco differ from the SDK's own build.
///
/// Minors add, and keep what a plugin built with an earlier minor of the same major uses (a new
/// virtual function goes last in its table, so an older plugin's slots stay where they were). The
/// host does not check minors: a plugin built with a later minor than the host's may call what
/// the host lacks, so build against the SDK your host installs (`warden version` prints it).
///   1.0  the first contract.
///   1.1  HostServices::alerts() and Plugin::raise_alert: plugins raise alerts.
///   1.2  vendor helpers apart, under <warden/vendor/> (group robots' replies, mobiles and e-mail
///        addresses, HMAC signatures): include them by name (a source change only; a built plugin
///        is unaffected); compact_json, is_email_address, parse_email_addresses, query_value,
///        header_value, lowercase; Alert::template_data() gains `has_labels`.
///   2.0  Solution::alarm(): the alert that caused the task. A data member of the base class every
///        solution derives from moves the derived class's members, so a solution built with 1.x
///        would be written over: rebuild every plugin and set its manifest's `sdk` to 2.
///   3.0  Plugin::select_options(field): a selectable field's choices supplied at run time. A
///        virtual function of the base class every plugin derives from moves every slot of the
///        derived classes' tables (run, deliver, do_action, …), so a 2.x plugin would be called
///        in the wrong function: rebuild every plugin and set its manifest's `sdk` to 3.
#define WARDEN_SDK_MAJOR 3
#define WARDEN_SDK_MINOR 0
