package dev.larder.console.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class AdminCredentialsTest {

    @Test
    void hashIsTheFormTheWebConsoleShipsForItsDefaultPassword() {
        // org.apache.felix.webconsole 5.0.18 OsgiManager's default for "admin"
        assertEquals("{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=", AdminCredentials.hash("admin"));
        assertNotEquals(AdminCredentials.hash("admin"), AdminCredentials.hash("admin "));
    }
}
