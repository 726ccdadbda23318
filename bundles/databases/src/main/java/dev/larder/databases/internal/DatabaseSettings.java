package dev.larder.databases.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder databases",
        description = "The default database's token and Redis-style protected mode.")
public @interface DatabaseSettings {

    String PID = "dev.larder.databases";
    /** Used when defaultToken is empty, so a container can pass the token without a file. */
    String DEFAULT_TOKEN_VARIABLE = "LARDER_DEFAULT_TOKEN";

    @AttributeDefinition(type = AttributeType.PASSWORD,
            description = "Full token of the default database; clients send it with AUTH. Empty: the environment "
                    + "variable LARDER_DEFAULT_TOKEN, and if that is unset too, no token (protected mode).")
    String defaultToken() default "";

    @AttributeDefinition(description = "While the default database has no token, serve only loopback clients "
            + "(as Redis's protected-mode). Turn off only on a trusted network.")
    boolean protectedMode() default true;
}
