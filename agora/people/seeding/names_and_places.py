"""Who the demo people are and where they work: given names (with the grammatical gender
used for French job titles), family names, offices, and the languages spoken in each city."""

from .vocabulary import word_list


def _gendered(gender: str, names: str) -> list[tuple[str, str]]:
    return [(name, gender) for name in word_list(names)]


# Given names with the grammatical gender used for French job titles; "x" names are epicene.
FIRST_NAMES = {
    "fr": _gendered(
        "f",
        "Élodie, Chloé, Zoé, Léa, Manon, Inès, Clémence, Margaux, Océane, Anaïs, Hélène, Émilie, "
        "Sophie, Juliette, Amélie, Mathilde, Pauline, Aurélie, Céline, Noémie, Agathe, Louise, "
        "Lucie, Maëlle, Salomé, Gaëlle, Bérénice, Joséphine, Nadia, Yasmine, Fatou, Mélanie, "
        "Solène, Maïwenn, Héloïse, Capucine, Marie-Claire, Romane, Jeanne, Nour",
    )
    + _gendered(
        "m",
        "François, Benoît, Jérôme, Étienne, Théo, Hugo, Lucas, Mathéo, Raphaël, Noël, Grégoire, "
        "Sébastien, Cédric, Loïc, Gaël, Thibault, Antoine, Mehdi, Karim, Julien, Nicolas, "
        "Maxime, Rémi, Aurélien, Baptiste, Quentin, Timothée, Yannick, Hervé, Joël, "
        "Jean-Baptiste, Amaury, Côme, Bastien, Valentin, Adrien, Moussa, Tristan, Léon, Arthur",
    )
    + _gendered("x", "Camille, Dominique, Claude, Alix, Sacha, Charlie, Morgan, Lou, Eden, Andréa"),
    "en": _gendered(
        "f",
        "Emma, Olivia, Charlotte, Amelia, Grace, Hannah, Chloe, Isla, Freya, Ava, Mia, Evie, "
        "Ruby, Lily, Harriet, Imogen, Zara, Priya, Aisha, Megan, Siobhan, Niamh, Ingrid, "
        "Katarzyna, Lucía, Giulia, Hanna, Mei, Yuki, Amara, Beatriz, Clara, Nora, Leah",
    )
    + _gendered(
        "m",
        "James, Oliver, Henry, George, Jack, Harry, Thomas, William, Oscar, Noah, Arjun, Rohan, "
        "Liam, Connor, Declan, Lars, Mateo, Diego, Marco, Lukas, Jonas, Tobias, Kenji, Wei, "
        "Kwame, Tomasz, Piotr, Samuel, Daniel, Ethan, Callum, Rhys, Finn, Ravi, Omar",
    )
    + _gendered("x", "Alex, Sam, Jordan, Taylor, Riley, Jamie, Robin, Casey, Avery, Quinn"),
}
LAST_NAMES = {
    "fr": word_list(
        "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, "
        "Laurent, Lefèvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, "
        "Girard, André, Mercier, Dupont, Lambert, Bonnet, Legrand, Garnier, Faure, Rousseau, "
        "Blanc, Guérin, Henry, Roussel, Perrin, Morin, Mathieu, Clément, Gauthier, Dumont, "
        "Fontaine, Chevalier, Robin, Masson, Gérard, Nguyen, Boyer, Lemaire, Duval, Joly, Roche, "
        "Meyer, Meunier, Pérez, Marchand, Dufour, Blanchard, Barbier, Brunet, Leclerc, Vidal, "
        "Bourgeois, Lemoine, Picard, Lacroix, Fabre, Rivière, Le Gall, Ménard, Fleury, "
        "Deschamps, Prévost, Carré, Rémy, Barré, Benali, Haddad, Traoré, Diallo, Ferreira, "
        "Da Silva, Hébert"
    ),
    "en": word_list(
        "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, "
        "Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, Clarke, Patel, "
        "Khan, Lewis, Phillips, Mason, Mitchell, Hughes, Murphy, O'Brien, Kelly, Lee, Chen, "
        "Nakamura, Kowalski, Schmidt, Fischer, Weber, Becker, Novak, Rossi, Bianchi, Romano, "
        "García, Fernández, Martínez, López, Jansen, de Vries, Andersson, Johansson, Nielsen, "
        "O'Connor, Byrne, Campbell, Stewart, Anderson, Scott, Reid, Murray, Kim, Park, Singh, "
        "Sharma, Okafor, Mensah, Santos, Costa, Müller, Schäfer"
    ),
}

# Where people work (weights), and per city: the chance a person there is a French speaker
# first, and the local language they may also speak.
LOCATIONS = {
    "Paris": 34, "Lyon": 8, "Nantes": 7, "Toulouse": 6, "Lille": 5, "Bordeaux": 5,
    "Rennes": 3, "Marseille": 3, "Montréal": 5, "London": 6, "Berlin": 4, "Barcelona": 4,
    "Brussels": 3, "Geneva": 2, "Lisbon": 2,
}  # fmt: skip
DEPARTMENT_LOCATIONS = {
    "Sales EMEA": {"London": 5, "Paris": 4, "Berlin": 3, "Barcelona": 3, "Milan": 2,
                   "Amsterdam": 2, "Brussels": 1},
    "Sales North America": {"Montréal": 4, "New York": 3, "Toronto": 2, "Boston": 1},
    "Sales APAC": {"Singapore": 4, "Sydney": 2, "Tokyo": 2},
    "Ventes France": {"Paris": 4, "Lyon": 2, "Bordeaux": 1, "Lille": 1, "Nantes": 1,
                      "Marseille": 1},
}  # fmt: skip
CITY_SPEECH = {
    "Paris": (0.9, None), "Lyon": (0.9, None), "Nantes": (0.9, None), "Toulouse": (0.9, None),
    "Lille": (0.9, None), "Bordeaux": (0.9, None), "Rennes": (0.9, None),
    "Marseille": (0.9, None), "Montréal": (0.6, None), "Brussels": (0.7, "nl"),
    "Geneva": (0.85, "de"), "London": (0.1, None), "Berlin": (0.1, "de"),
    "Barcelona": (0.1, "es"), "Milan": (0.1, "it"), "Amsterdam": (0.05, "nl"),
    "Lisbon": (0.1, "pt"), "New York": (0.05, "es"), "Toronto": (0.15, None),
    "Boston": (0.05, None), "Singapore": (0.02, "zh"), "Sydney": (0.02, None),
    "Tokyo": (0.02, "ja"),
}  # fmt: skip
OTHER_LANGUAGES = ("es", "de", "it", "pt", "ar", "pl", "ro")
