package dev.larder.embedding;

/** The model could not be loaded or run; the message says why. */
public class EmbeddingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
