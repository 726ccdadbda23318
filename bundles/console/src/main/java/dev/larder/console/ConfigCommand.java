package dev.larder.console;

import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * {@code larder:config [pid-prefix]}: the settings in force. For Larder's components every setting is
 * listed with its value, whether it comes from configuration or is the default; other configurations
 * (HTTP, web console) are listed as configured. Secrets are masked.
 */
@Component(service = ConfigCommand.class, property = {
        "osgi.command.scope=larder",
        "osgi.command.function=config"})
public class ConfigCommand {

    private static final Pattern SECRET = Pattern.compile("(?i).*(password|token|secret).*");
    private static final String[] SERVER_PROPERTIES = {"larder.home", "larder.data", "felix.fileinstall.dir"};

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final MetaTypeService metaType;

    @Activate
    public ConfigCommand(BundleContext context, @Reference ConfigurationAdmin configurationAdmin, @Reference MetaTypeService metaType) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        this.metaType = metaType;
    }

    public String config() throws IOException, InvalidSyntaxException {
        return config("");
    }

    public String config(String pidPrefix) throws IOException, InvalidSyntaxException {
        StringBuilder out = new StringBuilder();
        if (pidPrefix.isEmpty()) {
            out.append("server\n");
            for (String property : SERVER_PROPERTIES) {
                setting(out, property, String.valueOf(context.getProperty(property)), "framework");
            }
        }
        Map<String, Map<String, Object>> configured = configuredProperties();
        for (Bundle bundle : context.getBundles()) {
            if (!LarderBundles.isLarder(bundle)) {
                continue;
            }
            MetaTypeInformation information = metaType.getMetaTypeInformation(bundle);
            if (information == null) {
                continue;
            }
            for (String pid : information.getPids()) {
                if (pid.startsWith(pidPrefix)) {
                    describeComponent(out, pid, information.getObjectClassDefinition(pid, null),
                            configured.remove(pid));
                }
            }
        }
        for (Map.Entry<String, Map<String, Object>> other : configured.entrySet()) {
            if (other.getKey().startsWith(pidPrefix)) {
                out.append(other.getKey()).append('\n');
                other.getValue().forEach((key, value) -> setting(out, key, value, "config"));
            }
        }
        return out.toString();
    }

    private void describeComponent(StringBuilder out, String pid, ObjectClassDefinition definition, Map<String, Object> configured) {
        Map<String, Object> unused = configured == null ? new LinkedHashMap<>() : new LinkedHashMap<>(configured);
        out.append(pid).append("  (").append(definition.getName()).append(")\n");
        for (AttributeDefinition attribute : definition.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            String key = attribute.getID();
            if (unused.containsKey(key)) {
                setting(out, key, unused.remove(key), "config");
            } else {
                String[] defaults = attribute.getDefaultValue();
                setting(out, key, defaults == null ? "" : String.join(",", defaults), "default");
            }
        }
        unused.forEach((key, value) -> setting(out, key, value, "unknown setting: the component refuses it"));
    }

    /** Every configuration's own properties, without the bookkeeping keys Config Admin and FileInstall add. */
    private Map<String, Map<String, Object>> configuredProperties() throws IOException, InvalidSyntaxException {
        Map<String, Map<String, Object>> all = new TreeMap<>();
        Configuration[] configurations = configurationAdmin.listConfigurations(null);
        if (configurations == null) {
            return all;
        }
        for (Configuration configuration : configurations) {
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                continue;
            }
            Map<String, Object> own = new LinkedHashMap<>();
            for (String key : Collections.list(properties.keys())) {
                if (!key.equals(Constants.SERVICE_PID) && !key.startsWith("felix.fileinstall.")
                        && !key.equals("service.factoryPid") && !key.equals("service.bundleLocation")) {
                    own.put(key, properties.get(key));
                }
            }
            all.put(configuration.getPid(), own);
        }
        return all;
    }

    private static void setting(StringBuilder out, String key, Object value, String source) {
        String shown = SECRET.matcher(key).matches() && !String.valueOf(value).isEmpty() ? "********" : render(value);
        out.append(String.format("  %-24s = %-40s %s%n", key, shown, source));
    }

    private static String render(Object value) {
        if (value instanceof Object[] array) {
            return String.join(",", java.util.Arrays.stream(array).map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
