package dev.larder.qstash.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import dev.larder.qstash.store.MessageStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
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
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Signer::newSha256);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final ObjectWriter CLAIMS = new ObjectMapper().writerFor(Claims.class);

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
        // the claims as JSON by Jackson and base64url by the JDK: nimbus's JWTClaimsSet (a map, Gson, its own
        // base64) cost more than the HMAC; nimbus still makes and signs the JWS
        long issued = now.getEpochSecond();
        Claims claims = new Claims("Upstash", url, issued + VALID_SECONDS, 0, issued, MessageStore.newId("jwt_"), bodyHash(body));
        JWSObject jws;
        try {
            jws = new JWSObject(HEADER, new Payload(Base64URL.from(BASE64URL.encodeToString(CLAIMS.writeValueAsBytes(claims)))));
            jws.sign(signerOf(signingKey));
        } catch (JOSEException | JsonProcessingException e) {
            throw new IllegalStateException("cannot sign with the signing key", e);
        }
        return jws.serialize();
    }

    /** A delivery's JWT claims. */
    private record Claims(String iss, String sub, long exp, long nbf, long iat, String jti, String body) {
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
        return BASE64URL.encodeToString(SHA256.get().digest(body));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
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
