package dev.larder.qstash.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The signature, backoff, retry-delay expressions and durations as Upstash documents them. */
class DeliveryRulesTest {

    private static final String DEV_CURRENT_KEY = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";

    @Test
    void theSignatureIsAnHs256JwtOverTheKeyAsGivenWithTheBodysHash() throws Exception {
        Instant now = Instant.ofEpochSecond(1_760_000_000L);
        String token = Signer.sign(DEV_CURRENT_KEY, "http://127.0.0.1:9000/hook?x=1", "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8), now);
        SignedJWT jwt = SignedJWT.parse(token);
        assertTrue(jwt.verify(new MACVerifier(DEV_CURRENT_KEY.getBytes(StandardCharsets.UTF_8))));
        assertEquals(com.nimbusds.jose.JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        assertEquals(com.nimbusds.jose.JOSEObjectType.JWT, jwt.getHeader().getType());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals("Upstash", claims.getIssuer());
        assertEquals("http://127.0.0.1:9000/hook?x=1", claims.getSubject());
        assertEquals(now.getEpochSecond(), claims.getIssueTime().toInstant().getEpochSecond());
        assertEquals(now.getEpochSecond() + 300, claims.getExpirationTime().toInstant().getEpochSecond());
        assertEquals(0, claims.getNotBeforeTime().getTime());
        assertTrue(claims.getJWTID().startsWith("jwt_"));
        assertEquals("k6I5cakU5erL8KjSUVTNownDwccvu5kU1Hxg88toFYg", claims.getStringClaim("body"));
        assertEquals("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", Signer.bodyHash(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Signer.sign("short", "http://a", new byte[0], now));
    }

    @Test
    void theDefaultBackoffIsUpstashsTable() {
        assertEquals(Duration.ofSeconds(12), Backoff.afterFailure(1));
        assertEquals(Duration.ofMinutes(2).plusSeconds(28), Backoff.afterFailure(2));
        assertEquals(Duration.ofMinutes(30).plusSeconds(8), Backoff.afterFailure(3));
        assertEquals(Duration.ofHours(6).plusMinutes(7).plusSeconds(6), Backoff.afterFailure(4));
        assertEquals(Duration.ofDays(1), Backoff.afterFailure(5));
        assertEquals(Duration.ofDays(1), Backoff.afterFailure(40));
        assertEquals(Duration.ofSeconds(3), Backoff.retryDelay(Duration.ofSeconds(3), 1), "the destination's wait");
        assertEquals(Duration.ofSeconds(12), Backoff.retryDelay(Duration.ofDays(2), 1), "over a day: the default");
    }

    @Test
    void retryDelayExpressionsUseRetriedAndUpstashsFunctions() {
        RetryDelay square = RetryDelay.parse("pow(retried, 2) * 1000");
        assertEquals(Duration.ZERO, square.after(0));
        assertEquals(Duration.ofSeconds(9), square.after(3));
        assertEquals(Duration.ofMillis(1500), RetryDelay.parse("max(1000, min(retried * 500, 2000))").after(3));
        assertEquals(Duration.ofMillis(499), RetryDelay.parse("round(0.4) + floor(500.7) - ceil(0.2)").after(3));
        assertEquals(Duration.ofMillis((long) (Math.exp(2) + Math.sqrt(16) + Math.abs(-3))), RetryDelay.parse("exp(retried) + sqrt(16) + abs(-3)").after(2));
        assertEquals(Duration.ofDays(1), RetryDelay.parse("pow(10, 12)").after(0), "capped at a day");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> RetryDelay.parse("retries * 1000"));
        assertTrue(unknown.getMessage().contains("retries"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RetryDelay.parse("pow(retried, "));
    }

    @Test
    void durationsReadAsUpstashWritesThem() {
        assertEquals(Duration.ofDays(1).plusHours(1).plusMinutes(30), Durations.parse("1d1h30m"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofSeconds(42), Durations.parse("42"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("10 seconds"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(""));
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        assertEquals(Duration.ofSeconds(120), Durations.destinationDelay("120", now));
        assertEquals(Duration.ofMinutes(6).plusSeconds(5), Durations.destinationDelay("6m5s", now));
        assertEquals(Duration.ofSeconds(30), Durations.destinationDelay("Sun, 06 Dec 2026 10:00:30 GMT", now));
        assertEquals(Duration.ZERO, Durations.destinationDelay("0", now));
        assertNull(Durations.destinationDelay("soon", now));
    }

    @Test
    void destinationsOnTheServersOwnNetworkAreRefusedUnlessAllowed() {
        Destinations guarded = new Destinations(false);
        for (String url : new String[] {"http://127.0.0.1:8080/x", "http://localhost/x", "http://10.1.2.3/", "http://192.168.0.1/",
                "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[fd00::1]/", "http://0.0.0.0/"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> guarded.check(url), url);
            assertTrue(refused.getMessage().contains("allowPrivateDestinations"), refused.getMessage());
        }
        assertEquals("8.8.8.8", guarded.check("https://8.8.8.8/hook").getHost());
        for (String url : new String[] {"ftp://8.8.8.8/x", "example.com/x", "mailto:a@b.c"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> guarded.check(url), url);
            assertTrue(refused.getMessage().startsWith("invalid destination url"), refused.getMessage());
        }
        assertEquals("127.0.0.1", new Destinations(true).check("http://127.0.0.1:9/x").getHost());
    }
}
