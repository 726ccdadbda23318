package dev.larder.resp;

import dev.larder.settings.InvalidSettingException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The TLS listener's context from the RESP settings: PEM files, as Redis's tls-cert-file and tls-key-file. */
final class TlsContexts {

    private TlsContexts() {
    }

    /** @return null when TLS is off (tlsPort 0) */
    static SslContext fromSettings(RespSettings settings, String home) throws InvalidSettingException {
        if (settings.tlsPort() == 0) {
            return null;
        }
        File certificate = readable(settings.tlsCertFile(), "tlsCertFile", home);
        File key = readable(settings.tlsKeyFile(), "tlsKeyFile", home);
        String password = settings.tlsKeyPassword().isEmpty() ? null : settings.tlsKeyPassword();
        SslContextBuilder builder;
        try {
            builder = SslContextBuilder.forServer(certificate, key, password).sslProvider(SslProvider.JDK);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(RespSettings.PID, "tlsKeyFile",
                    "cannot use " + certificate + " with " + key + " (" + rootMessage(e) + ")");
        }
        if (!settings.tlsCaCertFile().isEmpty()) {
            builder.trustManager(readable(settings.tlsCaCertFile(), "tlsCaCertFile", home));
        }
        if (settings.tlsAuthClients()) {
            if (settings.tlsCaCertFile().isEmpty()) {
                throw new InvalidSettingException(RespSettings.PID, "tlsAuthClients", "needs tlsCaCertFile to check client certificates");
            }
            builder.clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return builder.build();
        } catch (Exception e) {
            throw new InvalidSettingException(RespSettings.PID, "tlsCertFile", "cannot set up TLS (" + rootMessage(e) + ")");
        }
    }

    private static File readable(String setting, String name, String home) throws InvalidSettingException {
        if (setting.isBlank()) {
            throw new InvalidSettingException(RespSettings.PID, name, "must name a PEM file when tlsPort is set");
        }
        Path path = Paths.get(setting);
        if (!path.isAbsolute() && home != null) {
            path = Paths.get(home).resolve(path);
        }
        if (!Files.isReadable(path)) {
            throw new InvalidSettingException(RespSettings.PID, name, "cannot read " + path);
        }
        return path.toFile();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
