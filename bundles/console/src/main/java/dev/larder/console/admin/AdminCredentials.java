package dev.larder.console.admin;

import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Felix Web Console's login in step with {@value AdminSettings#PID}. The web console's own
 * default is admin/admin; Larder never runs with it: without a configured password it generates one
 * on first start, logs it once, and keeps it (hashed, in Config Admin) across restarts.
 */
@Component(configurationPid = AdminSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = AdminSettings.class)
public class AdminCredentials {

    static final String WEB_CONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    /** Marks a web console password that Larder generated, so it survives restarts. */
    static final String GENERATED = "larder.password.generated";

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.admin");

    @Reference
    private ConfigurationAdmin configurationAdmin;

    @Activate
    void activate(AdminSettings settings, Map<String, Object> properties) throws IOException {
        try {
            SettingsCheck.check(AdminSettings.PID, AdminSettings.class, properties);
            if (settings.username().isBlank()) {
                throw new InvalidSettingException(AdminSettings.PID, "username", "must not be empty");
            }
        } catch (InvalidSettingException e) {
            LOG.error("Web console login not changed: {}", e.getMessage());
            return;
        }
        Configuration webConsole = configurationAdmin.getConfiguration(WEB_CONSOLE_PID, null);
        Dictionary<String, Object> current = webConsole.getProperties();
        Hashtable<String, Object> wanted = new Hashtable<>();
        wanted.put("username", settings.username());
        if (!settings.password().isEmpty()) {
            wanted.put("password", hash(settings.password()));
            wanted.put(GENERATED, Boolean.FALSE);
        } else if (current != null && Boolean.TRUE.equals(current.get(GENERATED)) && current.get("password") != null) {
            wanted.put("password", current.get("password"));
            wanted.put(GENERATED, Boolean.TRUE);
        } else {
            String generated = generatePassword();
            wanted.put("password", hash(generated));
            wanted.put(GENERATED, Boolean.TRUE);
            LOG.warn("Web console login generated: user '{}', password '{}' (set password in {}.cfg to choose your own)",
                    settings.username(), generated, AdminSettings.PID);
        }
        if (current == null || !Objects.equals(current.get("username"), wanted.get("username"))
                || !Objects.equals(current.get("password"), wanted.get("password"))) {
            webConsole.update(wanted);
        }
    }

    /** The unsalted form the web console accepts: {sha-256} and the Base64 of the digest. */
    static String hash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return "{sha-256}" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String generatePassword() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
