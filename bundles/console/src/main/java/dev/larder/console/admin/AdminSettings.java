package dev.larder.console.admin;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder administrator",
        description = "Login for the web console at /system/console on the admin port.")
public @interface AdminSettings {

    String PID = "dev.larder.admin";

    @AttributeDefinition(description = "Administrator user name.")
    String username() default "admin";

    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Administrator password. Empty: one is generated on first start and printed in the log.")
    String password() default "";
}
