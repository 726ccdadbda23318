package dev.larder.qstash.delivery;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code Upstash-Signature} of a delivery, as QStash makes it and {@code @upstash/qstash}'s Receiver checks it:
 * a JWT signed with HS256 under the UTF-8 bytes of the signing key as given ({@code sig_…}, not decoded), issued
 * by {@code Upstash}, its subject the URL called, valid for five minutes, with the SHA-256 of the body
 * (base64url) as claim {@code body}. {@code nbf} is 0, as QStash sends it since 2024, so that a receiver's clock
 * a little behind the server's does not refuse it.
 */
public final class Signer {

    private static final long VALID_SECONDS = 300;
    /** The same for every delivery; parsed, so that its base64url form is kept rather than made again each time. */
    private static final JWSHeader HEADER;
    /** Signers by key (nimbus's MACSigner is thread-safe); a database has two keys, rotation adds one. */
    private static final Map<String, MACSigner> SIGNERS = new ConcurrentHashMap<>();

    static {
        try {
            HEADER = JWSHeader.parse(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build().toBase64URL());
        } catch (java.text.ParseException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Signer() {
    }

    public static String sign(String signingKey, String url, byte[] body, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("Upstash")
                .subject(url)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(VALID_SECONDS)))
                .notBeforeTime(new Date(0))
                .jwtID("jwt_" + UUID.randomUUID().toString().replace("-", ""))
                .claim("body", bodyHash(body))
                .build();
        SignedJWT jwt = new SignedJWT(HEADER, claims);
        try {
            jwt.sign(signerOf(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the signing key", e);
        }
        return jwt.serialize();
    }

    private static MACSigner signerOf(String signingKey) throws JOSEException {
        MACSigner signer = SIGNERS.get(signingKey);
        if (signer == null) {
            if (SIGNERS.size() >= 1024) {
                SIGNERS.clear(); // keys rotated away, or very many databases: made again as used
            }
            signer = new MACSigner(checked(signingKey.getBytes(StandardCharsets.UTF_8)));
            SIGNERS.put(signingKey, signer);
        }
        return signer;
    }

    /** Base64url of the body's SHA-256, unpadded (the Receiver strips padding before it compares). */
    public static String bodyHash(byte[] body) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HS256 wants a secret of 256 bits or more; QStash's keys ({@code sig_} and 28 characters) are exactly that. */
    private static byte[] checked(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("a signing key must be at least 32 bytes, got " + secret.length);
        }
        return secret;
    }
}
