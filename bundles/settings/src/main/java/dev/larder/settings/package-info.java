/**
 * Strict checking of Config Admin properties: unknown keys and values of the wrong type are refused
 * with an error that names the setting, instead of Declarative Services' silent defaults.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.larder.settings;
