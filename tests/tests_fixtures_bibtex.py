"""BibTeX shared by the add and import tests: accents, braces, commands, a non-entry field."""

BERT_BIBTEX = r"""@inproceedings{devlin2019bert,
  title     = {{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding},
  author    = {Devlin, Jacob and Chang, Ming{-}Wei and Lee, Kenton and Toutanov{\'a}, Kristina},
  booktitle = {Proceedings of NAACL-HLT},
  year      = {2019},
  pages     = {4171--4186},
  doi       = {10.18653/v1/N19-1423},
  eprint    = {1810.04805},
  archivePrefix = {arXiv},
  keywords  = {Language Models, Pre-training},
  abstract  = {We introduce {BERT}. M{\"u}ller et al.\ showed \emph{this} first.}
}
"""
