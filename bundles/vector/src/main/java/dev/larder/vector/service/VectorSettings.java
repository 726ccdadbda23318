package dev.larder.vector.service;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder Vector", description = "Upstash Vector: indexes, their search graphs and their HTTP API (under /vector/<index>).")
public @interface VectorSettings {

    String PID = "dev.larder.vector";

    @AttributeDefinition(description = "Neighbours per node of the HNSW graph (M): more is better recall, more memory and slower builds.")
    int maxConnections() default 16;

    @AttributeDefinition(description = "Candidates considered when a vector joins the graph (efConstruction).")
    int beamWidth() default 100;

    @AttributeDefinition(description = "Where the search graphs live (derived from the grid's records, rebuilt at start); empty: data/vector-graphs.")
    String graphDirectory() default "";

    @AttributeDefinition(description = "Largest request body, in bytes.")
    int maxRequestBytes() default 64 * 1024 * 1024;

    @AttributeDefinition(description = "Most vectors in one upsert, fetch or query batch.")
    int maxBatch() default 1000;

    @AttributeDefinition(description = "Largest topK of a query (Upstash: 1000).")
    int maxTopK() default 1000;

    @AttributeDefinition(description = "Largest dimension of a dense index.")
    int maxDimension() default 5376;

    @AttributeDefinition(description = "Milliseconds between checks of the graphs: writes become searchable once they pause for 200 ms (at most a second late), and graphs left alone for 2 s are merged into one segment.")
    int refreshMillis() default 100;

    @AttributeDefinition(description = "Threads that run vector requests; 0: one per processor.")
    int threads() default 0;
}
