package dev.larder.settings;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks raw configuration properties against the methods of a component property type (the
 * {@code @interface} a DS component takes as configuration). Declarative Services itself ignores
 * unknown keys and turns unparsable numbers into defaults, so a typo would go unnoticed.
 */
public final class SettingsCheck {

    /** Keys that Config Admin, SCR and FileInstall add to every configuration. */
    private static final String[] FRAMEWORK_KEY_PREFIXES = {"service.", "component.", "felix.", "osgi."};

    private SettingsCheck() {
    }

    /**
     * @param pid        the configuration PID, used in error messages
     * @param type       the component property type
     * @param properties the raw properties as Config Admin delivers them
     * @throws InvalidSettingException for the first key that is unknown or has a value of the wrong type
     */
    public static void check(String pid, Class<? extends Annotation> type, Map<String, ?> properties)
            throws InvalidSettingException {
        Map<String, Method> settings = settingsOf(type);
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            String key = entry.getKey();
            if (isFrameworkKey(key)) {
                continue;
            }
            Method setting = settings.get(key);
            if (setting == null) {
                throw new InvalidSettingException(pid, key,
                        "unknown setting (known settings: " + String.join(", ", settings.keySet()) + ")");
            }
            checkValue(pid, key, setting.getReturnType(), entry.getValue());
        }
    }

    /** The setting names of a property type, mapped as DS does: '_' in a method name stands for '.'. */
    public static Map<String, Method> settingsOf(Class<? extends Annotation> type) {
        Map<String, Method> settings = new LinkedHashMap<>();
        Method[] methods = type.getDeclaredMethods();
        Arrays.sort(methods, (a, b) -> a.getName().compareTo(b.getName()));
        for (Method method : methods) {
            settings.put(method.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_'), method);
        }
        return settings;
    }

    private static boolean isFrameworkKey(String key) {
        for (String prefix : FRAMEWORK_KEY_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static void checkValue(String pid, String key, Class<?> type, Object value) throws InvalidSettingException {
        if (type.isArray()) {
            for (Object element : elements(value)) {
                checkValue(pid, key, type.getComponentType(), element);
            }
            return;
        }
        if (value == null) {
            throw new InvalidSettingException(pid, key, "no value given");
        }
        if (!(value instanceof String text)) {
            if (!matchesType(type, value)) {
                throw new InvalidSettingException(pid, key,
                        "expected " + describe(type) + ", got " + value.getClass().getSimpleName() + " '" + value + "'");
            }
            return;
        }
        String trimmed = text.trim();
        try {
            if (type == int.class || type == Integer.class) {
                Integer.parseInt(trimmed);
            } else if (type == long.class || type == Long.class) {
                Long.parseLong(trimmed);
            } else if (type == double.class || type == Double.class) {
                Double.parseDouble(trimmed);
            } else if (type == boolean.class || type == Boolean.class) {
                if (!trimmed.equalsIgnoreCase("true") && !trimmed.equalsIgnoreCase("false")) {
                    throw new NumberFormatException();
                }
            } else if (type.isEnum()) {
                enumConstant(type, trimmed);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(pid, key, "expected " + describe(type) + ", got '" + text + "'");
        }
    }

    private static Iterable<?> elements(Object value) {
        if (value instanceof Collection<?> collection) {
            return collection;
        }
        if (value instanceof Object[] array) {
            return Arrays.asList(array);
        }
        if (value instanceof String text) {
            // FileInstall's .cfg files carry lists as one comma-separated string
            return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        return java.util.List.of(value);
    }

    private static boolean matchesType(Class<?> type, Object value) {
        if (type == String.class) {
            return true;
        }
        if (type == int.class || type == long.class) {
            return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte;
        }
        if (type == double.class) {
            return value instanceof Number;
        }
        if (type == boolean.class) {
            return value instanceof Boolean;
        }
        return type.isInstance(value);
    }

    private static void enumConstant(Class<?> type, String name) {
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(name)) {
                return;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == long.class) {
            return "a whole number";
        }
        if (type == double.class) {
            return "a number";
        }
        if (type == boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        return type.getSimpleName();
    }
}
