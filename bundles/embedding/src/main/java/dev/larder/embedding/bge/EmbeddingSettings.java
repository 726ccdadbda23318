package dev.larder.embedding.bge;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder embedding models", description = "The built-in text embedding models. "
        + "A model is loaded on its first use, not at start.")
public @interface EmbeddingSettings {

    String PID = "dev.larder.embedding";

    @AttributeDefinition(description = "Texts embedded at the same time, one thread each; 0: one per processor.")
    int threads() default 0;
}
