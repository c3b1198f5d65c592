"""Demo good practices: written for the demo, not collected from real places.

Each one's `resume` starts with "[Exemple] " and its author is the demo organisation
"Réseau des tiers-lieux d'Occitanie (exemple)". They are linked to real places of the 2019 census (by
their census id) only to show the place ↔ practice links; the places did not write them.
"""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.members.models import Organisation
from reseau_api.places.demo import CENSUS_SOURCE
from reseau_api.places.models import Place
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW
from reseau_api.practices import service
from reseau_api.practices.models import Practice
from reseau_api.practices.schemas import PracticeWrite

DEMO_ORGANISATION = "Réseau des tiers-lieux d'Occitanie (exemple)"
EXAMPLE_MARK = "[Exemple] "

# (fields, census ids of the places it is linked to)
DEMO_PRACTICES: list[tuple[dict, list[str]]] = [
    ({
        "titre": "Animer une communauté de coworkers dans un tiers-lieu rural",
        "resume": "Un café du lundi, un référent par jour et un tableau des compétences : trois rituels "
                  "simples pour que les coworkers d'un petit tiers-lieu rural se connaissent et s'entraident.",
        "thematiques": ["animation_communaute", "teletravail"],
        "contenu": """## Le constat

Dans un tiers-lieu rural, les coworkers viennent un ou deux jours par semaine et se croisent peu.
Sans animation, le lieu reste un bureau partagé.

## Ce qui marche

1. **Le café du lundi** (9 h 30, 20 minutes) : chacun dit sur quoi il travaille et ce dont il a besoin.
2. **Un référent par jour** : un coworker volontaire ouvre, accueille les nouveaux et ferme.
3. **Le tableau des compétences** : qui sait faire quoi (compta, graphisme, vidéo…), affiché à l'entrée.

## Les chiffres à suivre

- nombre de coworkers différents par mois ;
- nombre de « coups de main » signalés au café du lundi.

> Conseil : ne pas multiplier les événements au début. Un rituel tenu vaut mieux que trois abandonnés.
""",
        "liens": ["https://coop.tierslieux.net/"],
    }, ["1047", "1324"]),
    ({
        "titre": "Un pass télétravail avec la communauté de communes",
        "resume": "Un carnet de 10 journées de coworking cofinancé par l'EPCI pour les habitants salariés "
                  "qui télétravaillent : un produit simple qui fait connaître le lieu.",
        "thematiques": ["teletravail", "partenariats_collectivites", "modele_economique"],
        "contenu": """## Le principe

La communauté de communes finance la moitié d'un **carnet de 10 journées** (soit 60 € restant à la
charge du télétravailleur au lieu de 120 €), la première année.

## Le montage

- une convention d'un an entre le tiers-lieu et l'EPCI, avec un objectif de 40 carnets ;
- une communication commune : bulletin intercommunal, mairies, entreprises du territoire ;
- un bilan trimestriel : carnets vendus, journées consommées, nouveaux abonnés.

## Ce qu'on en retient

La moitié des détenteurs d'un carnet ont pris un abonnement ensuite. Le pass sert surtout à
**faire venir une première fois** des salariés qui ne connaissaient pas le lieu.
""",
    }, ["1111", "1115"]),
    ({
        "titre": "Un agenda de réservation partagé entre tiers-lieux voisins",
        "resume": "Trois tiers-lieux d'un même bassin de vie publient leurs salles et postes dans un agenda "
                  "commun : les demandes refusées faute de place sont orientées vers le voisin.",
        "thematiques": ["numerique", "partenariats_collectivites", "communication"],
        "contenu": """## Pourquoi

Une salle de réunion pleine le mardi dans un lieu, vide dans le lieu voisin à 15 km : les demandes
se perdaient.

## Comment

- un calendrier par salle et par espace de coworking, au format iCalendar, publié par chaque lieu ;
- une page commune qui agrège les disponibilités, sans compte à créer pour le public ;
- une règle simple : *si c'est complet chez moi, je propose le voisin*.

## Outils

Des logiciels libres suffisent (un agenda partagé et une page web statique). L'important est
d'accorder les noms des salles et les créneaux (demi-journées).
""",
    }, ["705", "1115"]),
    ({
        "titre": "Gouverner un tiers-lieu en SCIC : collèges et décisions",
        "resume": "Comment une SCIC organise ses collèges (usagers, salariés, collectivités, partenaires) "
                  "et répartit les décisions entre assemblée, conseil et équipe d'animation.",
        "thematiques": ["gouvernance", "modele_economique", "partenariats_collectivites"],
        "contenu": """## Les collèges

| collège | droits de vote |
|---|---|
| usagers (coworkers, artisans) | 30 % |
| salariés | 20 % |
| collectivités | 20 % |
| partenaires et soutiens | 30 % |

Aucun collège ne décide seul : c'est le cœur de la **société coopérative d'intérêt collectif**.

## Qui décide quoi

- *l'assemblée générale* : budget, tarifs, entrée de nouveaux collèges ;
- *le conseil coopératif* (une fois par mois) : projets, embauches, partenariats ;
- *l'équipe d'animation* : tout le quotidien, sans validation préalable.

## Piège à éviter

Écrire des statuts très détaillés dès le départ. Mieux vaut un règlement intérieur, révisable
chaque année en assemblée.
""",
        "liens": ["https://www.les-scic.coop/"],
    }, ["1087"]),
    ({
        "titre": "Organiser une journée portes ouvertes de fablab",
        "resume": "Une journée portes ouvertes par trimestre, avec des ateliers de 45 minutes et des objets "
                  "à emporter : le meilleur moyen de recruter de nouveaux adhérents pour un fablab.",
        "thematiques": ["communication", "animation_communaute", "amenagement"],
        "contenu": """## Le format

Un samedi par trimestre, de 10 h à 17 h, entrée libre.

- **ateliers de 45 minutes** : découpe laser d'un porte-clés, impression 3D, soudure d'un badge lumineux ;
- **chaque visiteur repart avec un objet** qu'il a fabriqué ;
- les adhérents présentent leurs propres projets sur des tables.

## La sécurité

Les machines restent pilotées par un adhérent formé ; les visiteurs portent des lunettes à la
soudure. Un affichage rappelle les règles à chaque poste.

## Après la journée

Un formulaire simple pour s'inscrire à l'atelier « première utilisation » du mois suivant.
Un tiers des visiteurs inscrits y vient.
""",
    }, ["1279", "1324"]),
]


async def load_practices(session: AsyncSession, only_if_empty: bool) -> str:
    if only_if_empty and (await session.execute(select(func.count()).select_from(Practice))).scalar_one() > 0:
        return "good practices: already loaded, skipped"
    organisation = (await session.execute(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
    )).scalars().first()
    if organisation is None:
        organisation = Organisation(name=DEMO_ORGANISATION, legal_form="association", nature="associatif")
        session.add(organisation)
        await session.flush()
    census_ids = {i for _, ids in DEMO_PRACTICES for i in ids}
    places = dict((await session.execute(
        select(Place.source_id, Place.id).where(Place.source == CENSUS_SOURCE, Place.source_id.in_(census_ids),
                                                PLACE_WORKFLOW.public_sql(Place.moderation))
    )).all())
    existing = set((await session.execute(
        select(Practice.title).where(Practice.organisation_id == organisation.id))).scalars())
    loaded = 0
    for fields, ids in DEMO_PRACTICES:
        if fields["titre"] in existing:
            continue
        data = PracticeWrite.model_validate({
            **fields, "resume": EXAMPLE_MARK + fields["resume"], "lieux": [places[i] for i in ids if i in places]})
        await service.create(session, data, organisation_id=organisation.id, publish=True)
        loaded += 1
    return f"good practices: {loaded} demo examples loaded"
