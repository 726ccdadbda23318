package dev.larder.vector.index;

import java.io.IOException;
import java.util.function.IntPredicate;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.ConstantScoreScorerSupplier;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;

/**
 * Documents whose record key a predicate accepts (a metadata filter, evaluated on the records in memory).
 * As the filter of a {@code KnnFloatVectorQuery}, Lucene counts its matches first and searches exactly when
 * they are few, so a selective filter still returns topK.
 */
final class KeyFilterQuery extends Query {

    private final IntPredicate accept;

    KeyFilterQuery(IntPredicate accept) {
        this.accept = accept;
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        return new ConstantScoreWeight(this, boost) {
            @Override
            public ScorerSupplier scorerSupplier(LeafReaderContext context) throws IOException {
                NumericDocValues keys = DocValues.getNumeric(context.reader(), DenseGraph.KEY);
                TwoPhaseIterator matching = new TwoPhaseIterator(keys) {
                    @Override
                    public boolean matches() throws IOException {
                        return accept.test((int) keys.longValue());
                    }

                    @Override
                    public float matchCost() {
                        return 50; // a filter's walk over one record's metadata
                    }
                };
                DocIdSetIterator iterator = TwoPhaseIterator.asDocIdSetIterator(matching);
                return ConstantScoreScorerSupplier.fromIterator(iterator, score(), scoreMode, context.reader().maxDoc());
            }

            @Override
            public boolean isCacheable(LeafReaderContext context) {
                return false;
            }
        };
    }

    @Override
    public String toString(String field) {
        return "KeyFilterQuery";
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
