package dev.larder.redis.engine.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ACL users of one database besides its own ("default", its tokens), and its ACL LOG. Stored in the
 * grid as Redis's ACL file would hold them: one "user name rules..." line each (the rules as given, see
 * {@link AclUser#stored}).
 */
final class AclUsers {

    final int tenantId;
    final AclLog log = new AclLog();
    /** By name, in byte order as Redis lists them (ACL USERS, ACL LIST). */
    private final Map<String, AclUser> users = new TreeMap<>(AclUsers::byteOrder);
    /** Signs the REST tokens of this database's users (ACL RESTTOKEN); made on first use. */
    private volatile byte[] restSecret;

    AclUsers(int tenantId) {
        this.tenantId = tenantId;
    }

    private static int byteOrder(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    synchronized AclUser get(String name) {
        return users.get(name);
    }

    synchronized List<AclUser> list() {
        return new ArrayList<>(users.values());
    }

    synchronized void put(AclUser user) {
        users.put(user.name, user);
    }

    synchronized AclUser remove(String name) {
        return users.remove(name);
    }

    byte[] restSecret() {
        return restSecret;
    }

    void restSecret(byte[] secret) {
        restSecret = secret;
    }

    /** The stored form: one line per user. */
    synchronized byte[] encode() {
        StringBuilder lines = new StringBuilder();
        for (AclUser user : users.values()) {
            lines.append(user.stored()).append('\n');
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Users from their stored lines, each applied to a new user as ACL SETUSER would; a line that does not
     * apply (a command no bundle provides any more) is an error naming its line, as Redis's ACL LOAD gives.
     */
    static Map<String, AclUser.State> decode(byte[] stored, AclCommandTable table, boolean allChannelsByDefault) throws AclRuleException {
        Map<String, AclUser.State> decoded = new TreeMap<>(AclUsers::byteOrder);
        String[] lines = new String(stored, StandardCharsets.UTF_8).split("\n");
        for (int number = 0; number < lines.length; number++) {
            String line = lines[number].trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split(" ");
            if (words.length < 2 || !words[0].equals("user")) {
                throw new AclRuleException("line " + (number + 1) + ": should start with user keyword");
            }
            List<byte[]> args = new ArrayList<>();
            for (int i = 2; i < words.length; i++) {
                args.add(words[i].getBytes(StandardCharsets.UTF_8));
            }
            String[] unmatched = new String[1];
            List<byte[]> merged = AclUser.mergeSelectors(args, unmatched);
            if (merged == null) {
                throw new AclRuleException("line " + (number + 1) + ": Unmatched parenthesis in acl selector starting at '"
                        + unmatched[0] + "'.");
            }
            AclUser.State state = AclUser.created(allChannelsByDefault);
            for (byte[] arg : merged) {
                try {
                    state = AclUser.apply(state, arg, table, allChannelsByDefault);
                } catch (AclRuleException e) {
                    throw new AclRuleException("line " + (number + 1) + ": Error in user declaration '" + words[1] + "': "
                            + e.getMessage());
                }
            }
            decoded.put(words[1], state);
        }
        return decoded;
    }
}
