"""Chinese full-text search over what each person may open (whoosh-reloaded + jieba).

``tokenizer`` (jieba words with sequential positions, sub-words and word pairs), ``schema``
(a document and the facts the permission filter tests), ``documents`` and ``sources`` (records
as documents; what a change means for the index), ``changes`` (the session listener naming
changed records), ``indexer`` and ``store`` (writing under the index's lock, rebuilding),
``access`` (the actor's filter), ``query``, ``status``, ``scoring`` and ``highlight`` (searching).
It may read the domain packages; none of them imports it.
"""
