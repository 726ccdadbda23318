package dev.larder.settings;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsCheckTest {

    enum Mode { FAST, SAFE }

    @interface Example {
        int port() default 1;

        boolean enabled() default true;

        Mode mode() default Mode.FAST;

        String[] addresses() default {};

        String data_dir() default "";
    }

    private static InvalidSettingException refused(Map<String, ?> properties) {
        return assertThrows(InvalidSettingException.class, () -> SettingsCheck.check("test.pid", Example.class, properties));
    }

    @Test
    void acceptsKnownSettingsAsStringsOrTypedValues() {
        assertDoesNotThrow(() -> SettingsCheck.check("test.pid", Example.class, Map.of(
                "port", "6379", "enabled", "FALSE", "mode", "SAFE", "addresses", "a:1, b:2",
                "data.dir", "/tmp", "service.pid", "test.pid", "felix.fileinstall.filename", "file:/x.cfg")));
        assertDoesNotThrow(() -> SettingsCheck.check("test.pid", Example.class, Map.of(
                "port", 6379, "enabled", Boolean.TRUE, "addresses", List.of("a:1"))));
    }

    @Test
    void namesAnUnknownSetting() {
        InvalidSettingException e = refused(Map.of("prot", "6379"));
        assertEquals("prot", e.setting());
        assertTrue(e.getMessage().contains("unknown setting"), e.getMessage());
        assertTrue(e.getMessage().contains("port"), "lists the known settings: " + e.getMessage());
    }

    @Test
    void namesAValueOfTheWrongType() {
        assertEquals("port", refused(Map.of("port", "six")).setting());
        assertEquals("enabled", refused(Map.of("enabled", "yes")).setting());
        assertEquals("mode", refused(Map.of("mode", "QUICK")).setting());
        assertEquals("port", refused(Map.of("port", 1.5)).setting());
        assertEquals("Invalid setting 'port' in test.pid: expected a whole number, got 'six'",
                refused(Map.of("port", "six")).getMessage());
    }
}
